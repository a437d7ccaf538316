use qqbot::prelude::*;

/// Bans a member.
///
/// Usage: /ban @someone 10
#[command(
    "/ban",
    "禁言",
    at = true,
    admin = true,
    admin_error_msg = "only admins",
    scenes = GROUP | GUILD,
    short_circuit = false,
    treat = false,
    priority = -3,
    name = "ban-member",
    matching = glued
)]
async fn ban(ctx: Ctx, target: At, minutes: Option<u32>) -> qqbot::Result<String> {
    let _ = ctx;
    Ok(format!("{} {}", target.user_id(), minutes.unwrap_or(1)))
}

#[command(regex = ["^a+$", r"^b(?P<n>\d)$"], custom_short_circuit = true)]
async fn letters(caps: Captures) -> bool {
    caps.get(0).is_some()
}

fn main() {
    let cmd = ban::command();
    assert_eq!(cmd.name, "ban-member");
    assert_eq!(cmd.words, vec!["/ban", "禁言"]);
    assert!(cmd.at && cmd.admin && !cmd.short_circuit && !cmd.treat);
    assert_eq!(cmd.priority, -3);
    assert_eq!(cmd.scenes, Scene::GROUP | Scene::GUILD);
    assert_eq!(cmd.help, "Bans a member.\n\nUsage: /ban @someone 10");
    assert_eq!(cmd.params.len(), 2);
    assert_eq!(cmd.matching, WordMatch::Glued);
    let letters = letters::command();
    assert!(letters.is_custom_short_circuit);
    assert_eq!(letters.regex.len(), 2);
}
