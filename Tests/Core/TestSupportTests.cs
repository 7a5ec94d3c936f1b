using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Optima.Tests;

/// <summary>The harness's own guarantees: a property cannot pass by discarding most of its cases.</summary>
public class TestSupportTests
{
    [Fact]
    public void A_property_that_discards_most_cases_fails()
    {
        // Two cases in three fail the precondition: exhausted, not passed.
        var e = Assert.ThrowsAny<Exception>(() =>
            Prop.ForAll(Gen.Choose(0, 2).ToArbitrary(), k => Prop.When(k == 0, () => true)).Check(TestSupport.Quick()));
        Assert.Contains("exhausted", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_property_that_discards_a_few_cases_passes_on_the_rest()
    {
        int tested = 0;
        Prop.ForAll(Gen.Choose(0, 9).ToArbitrary(), k => Prop.When(k != 0, () => { tested++; return k > 0; })).Check(TestSupport.Quick());
        Assert.Equal(100, tested);
    }
}
