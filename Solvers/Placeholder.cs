namespace Optima.Solvers;
