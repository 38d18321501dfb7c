namespace Serverless.Domain.Commands;

public static class MemberPermissionsExtensions
{
    /// <summary>
    /// Whether a member holding <paramref name="granted"/> may do what needs <paramref name="required"/>.
    /// Administrator implies every permission, as in Discord; no permissions known (null) grants nothing.
    /// </summary>
    public static bool Grants(this MemberPermissions? granted, MemberPermissions required) =>
        granted is { } bits && ((bits & MemberPermissions.Administrator) != 0 || (bits & required) == required);
}
