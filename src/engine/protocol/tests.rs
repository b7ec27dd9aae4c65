//! Unit tests of the protocol: serde spellings shared with the hub, `Secret` masking and the reply rule.

use super::*;

#[test]
fn every_failure_is_a_reply_to_its_own_request() {
    let commands = [
        Command::Profiles(ProfilesCommand::Load),
        Command::Status(StatusCommand::Refresh),
        Command::Merchants(MerchantsCommand::Sync),
        Command::Authorize(AuthorizeCommand::CreatePreauth(PreAuthRequest::default())),
        Command::Activity(ActivityCommand::Load(ActivityQuery::default())),
        Command::Jobs(JobsCommand::Act(1, JobVerb::Cancel)),
    ];
    for (n, command) in commands.into_iter().enumerate() {
        let id = RequestId(n as u64 + 10);
        let event = command.failed(id, EngineError::new(ErrorKind::NoProfile, "no profile"));
        assert_eq!(event.reply_to(), Some(id), "{command:?}");
    }
}
