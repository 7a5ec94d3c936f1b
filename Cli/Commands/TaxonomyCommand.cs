using System.CommandLine;
using Optima.LinearAlgebra;
using Optima.Solvers;
using Optima.Solvers.Comparison;
using Optima.Solvers.Stochastic;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command TaxonomyCommand(CliContext context)
    {
        var json = JsonOption();
        var command = new Command("taxonomy", "Print the taxonomy of methods as a tree, one line per method, straight from the registries.") { json };
        command.SetAction(parse =>
        {
            var tree = Taxonomy();
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    families = tree.Select(f => new
                    {
                        family = f.Family,
                        groups = f.Groups.Select(g => new { group = g.Group, methods = g.Methods.Select(m => new { name = m.Name, description = m.Description }) }),
                    }),
                });
                return OptimaCli.Ok;
            }
            var o = context.Out;
            o.WriteLine("optimization and linear systems in Optima");
            for (int i = 0; i < tree.Count; i++)
            {
                bool lastFamily = i == tree.Count - 1;
                o.WriteLine($"{(lastFamily ? "└── " : "├── ")}{tree[i].Family}");
                string familyIndent = lastFamily ? "    " : "│   ";
                var groups = tree[i].Groups;
                for (int j = 0; j < groups.Count; j++)
                {
                    bool lastGroup = j == groups.Count - 1;
                    string indent = familyIndent;
                    if (groups[j].Group.Length > 0)
                    {
                        o.WriteLine($"{familyIndent}{(lastGroup ? "└── " : "├── ")}{groups[j].Group}");
                        indent = familyIndent + (lastGroup ? "    " : "│   ");
                    }
                    var methods = groups[j].Methods;
                    int width = methods.Max(m => m.Name.Length);
                    for (int k = 0; k < methods.Count; k++)
                    {
                        bool last = k == methods.Count - 1 && (groups[j].Group.Length > 0 || lastGroup);
                        o.WriteLine($"{indent}{(last ? "└── " : "├── ")}{methods[k].Name.PadRight(width)}  {methods[k].Description}");
                    }
                }
            }
            return OptimaCli.Ok;
        });
        return command;
    }

    private sealed record TaxonomyGroup(string Group, IReadOnlyList<(string Name, string Description)> Methods);

    private sealed record TaxonomyFamily(string Family, IReadOnlyList<TaxonomyGroup> Groups);

    /// <summary>The tree, built from the method, optimizer and linear-solver registries.</summary>
    private static List<TaxonomyFamily> Taxonomy()
    {
        (string, string) Entry(MethodDescriptor d) => (d.Name, d.Description);
        var firstOrder = new List<TaxonomyGroup>
        {
            new("deterministic, line search or fixed step (optima compare)", Methods.InFamily(MethodFamily.FirstOrder).Select(Entry).ToArray()),
            new("optimizers: minibatch (Training) or full batch (OptimizerMinimizer, optima compare)",
                Methods.InFamily(MethodFamily.StochasticGradient).Select(Entry).Append(("lookahead:NAME", "Lookahead (k = 5, α = 0.5) around any optimizer above")).ToArray()),
        };
        return
        [
            new(MethodComparer.FamilyName(MethodFamily.FirstOrder) + " (f, ∇f)", firstOrder),
            new(MethodComparer.FamilyName(MethodFamily.QuasiNewton) + " (f, ∇f, curvature from gradient differences)",
                [new("", Methods.InFamily(MethodFamily.QuasiNewton).Select(Entry).ToArray())]),
            new(MethodComparer.FamilyName(MethodFamily.SecondOrder) + " (f, ∇f, ∇²f or ∇²f·v)",
                [new("", Methods.InFamily(MethodFamily.SecondOrder).Select(Entry).ToArray())]),
            new(MethodComparer.FamilyName(MethodFamily.LeastSquares) + " (residuals r, Jacobian J)",
                [new("", Methods.InFamily(MethodFamily.LeastSquares).Select(Entry).ToArray())]),
            new(MethodComparer.FamilyName(MethodFamily.DerivativeFree) + " (f only, local)",
                [new("", Methods.InFamily(MethodFamily.DerivativeFree).Select(Entry).ToArray())]),
            new(MethodComparer.FamilyName(MethodFamily.GlobalSearch) + " (f only, stochastic, seeded; ga, de and anneal need --bounds)",
                [new("", Methods.InFamily(MethodFamily.GlobalSearch).Select(Entry).ToArray())]),
            new(MethodComparer.FamilyName(MethodFamily.Constrained) + " (f, ∇f, constraints c(x) = 0 and h(x) ≤ 0 with Jacobians, bounds; optima minimize --constraint)",
                [new("", Methods.InFamily(MethodFamily.Constrained).Select(Entry).ToArray())]),
            new("linear systems A·x = b (optima solve)",
            [
                new("direct", LinearSolvers.MethodNamesList.Where(n => LinearSolvers.TryParseMethod(n, out var k) && !LinearSolvers.IsIterative(k))
                    .Select(n => (n, LinearDescription(n))).ToArray()),
                new("iterative", LinearSolvers.MethodNamesList.Where(n => LinearSolvers.TryParseMethod(n, out var k) && LinearSolvers.IsIterative(k))
                    .Select(n => (n, LinearDescription(n))).ToArray()),
            ]),
        ];
    }

    private static string LinearDescription(string name) => name switch
    {
        "lu" => "LU with partial pivoting (any nonsingular A)",
        "qr" => "Householder QR (also least squares, rank-revealing)",
        "cholesky" => "Cholesky A = LLᵀ (symmetric positive definite)",
        "modified-cholesky" => "LDLᵀ with diagonal modification (symmetric, possibly indefinite)",
        "jacobi" => "Jacobi splitting (diagonally dominant A)",
        "gauss-seidel" => "Gauss-Seidel splitting",
        "sor" => "successive over-relaxation with factor ω",
        "ssor" => "symmetric SOR",
        "cg" => "conjugate gradients (SPD), at most n steps in exact arithmetic",
        "pcg" => "preconditioned CG (none, jacobi, ssor, ic0)",
        _ => "see optima solve --help",
    };
}
