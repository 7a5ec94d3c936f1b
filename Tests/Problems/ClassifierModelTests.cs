using Optima.Problems.Data;
using Optima.Problems.Models;
using Xunit;

namespace Optima.Tests.Problems;

public class ClassifierModelTests
{
    [Theory]
    [InlineData("softmax", "softmax", new int[0])]
    [InlineData("mlp:8,4", "mlp", new[] { 8, 4 })]
    [InlineData("logistic", "logistic", new[] { 0, 1 })]
    [InlineData("linear:2,0", "linear", new[] { 2, 0 })]
    public void Specs_parse_to_their_kind_and_arguments(string spec, string kind, int[] arguments)
    {
        var model = ClassifierModel.Parse(spec, classes: 3);
        Assert.Equal(kind, model.Kind);
        Assert.Equal(arguments, model.Arguments);
        Assert.Equal(kind is "softmax" or "mlp", model.SupportsSinglePrecision);
    }

    [Theory]
    [InlineData("softmax:3", "takes no sizes")]
    [InlineData("mlp", "positive hidden layer sizes")]
    [InlineData("mlp:0", "positive hidden layer sizes")]
    [InlineData("mlp:x", "'x' is not a non-negative integer")]
    [InlineData("logistic:1,1", "two different labels in [0, 3)")]
    [InlineData("linear:0,3", "two different labels in [0, 3)")]
    [InlineData("tree", "Unknown model 'tree'")]
    public void Bad_specs_name_the_cause(string spec, string message) =>
        Assert.Contains(message, Assert.ThrowsAny<ArgumentException>(() => ClassifierModel.Parse(spec, classes: 3)).Message);

    [Fact]
    public void A_two_class_model_keeps_the_two_labels_and_evaluates_on_the_test_set()
    {
        // Three classes on a line: x = label. The logistic model sees labels 0 and 2 only.
        var data = new LabeledData([0.0, 1.0, 2.0, 0.1, 1.1, 2.1], 1, [0, 1, 2, 0, 1, 2], 3);
        var (problem, start, evaluate, description) = ClassifierModel.Parse("logistic:0,2", 3).Build(data, data, seed: 1, classNames: ["a", "b", "c"]);
        Assert.Equal(4, problem.Count);
        Assert.Equal(2, problem.Dimension); // weight and bias
        Assert.Equal(new double[2], start);
        Assert.Equal("logistic regression, a vs c", description);
        var (loss, accuracy) = evaluate([10.0, -10.0]); // decision at x = 1 separates 0 from 2
        Assert.Equal(1.0, accuracy);
        Assert.True(loss < 1e-3);
        Assert.Contains("no samples labelled", Assert.Throws<ArgumentException>(() =>
            ClassifierModel.Parse("logistic:0,1", 3).Build(data, new LabeledData([5.0], 1, [2], 3), seed: 1)).Message);
    }
}
