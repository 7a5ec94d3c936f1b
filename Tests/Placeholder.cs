namespace Optima.Tests;
