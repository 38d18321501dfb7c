namespace Serverless.Domain.Commands;

/// <summary>
/// Answers the forms (modals) a feature opened, found by <see cref="InteractionRouter"/> from the custom_id prefix the
/// feature registered with <see cref="FeatureBuilder.AddForm{THandler}"/>.
/// </summary>
public interface IModalHandler
{
    ValueTask<CommandReply> SubmitAsync(ModalSubmission submission, CancellationToken cancellationToken);
}
