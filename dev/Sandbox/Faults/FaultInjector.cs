namespace Serverless.Sandbox.Faults;

/// <summary>The sandbox's fault rules (<c>sandbox.Faults</c>), tried in the order they were added.</summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly List<FaultRule> _rules = [];
    private readonly Action? _changed;

    public FaultInjector()
    {
    }

    /// <param name="changed">Told after rules are added or cleared (the console's event stream).</param>
    internal FaultInjector(Action changed) => _changed = changed;

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return [.. _rules];
            }
        }
    }

    /// <returns>The rule, so a test can read <see cref="FaultRule.TimesFired"/> later.</returns>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var problems = rule.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid fault rule: " + string.Join(" ", problems), nameof(rule));
        }

        lock (_lock)
        {
            _rules.Add(rule);
        }

        _changed?.Invoke();
        return rule;
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }

        _changed?.Invoke();
    }

    /// <summary>The first matching rule with uses left, which this call then uses up one of.</summary>
    internal FaultRule? TryTake(string method, string path)
    {
        lock (_lock)
        {
            foreach (var rule in _rules)
            {
                if (rule.Matches(method, path) && rule.TryFire())
                {
                    return rule;
                }
            }
        }

        return null;
    }
}
