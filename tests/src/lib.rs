//! Integration tests live in `tests/`. This library hosts the user guide's code: every Rust block in `docs/src` is
//! compiled (and, unless marked `no_run`, run) as a doctest of this crate by `cargo test --workspace`, so the guide
//! cannot drift from the API it teaches.

/// Includes one page of the guide as doctests.
macro_rules! guide_pages {
    ($($name:ident => $path:literal),* $(,)?) => {$(
        #[cfg(doctest)]
        #[doc = include_str!(concat!("../../docs/src/", $path))]
        pub struct $name;
    )*};
}

/// The repository's README, whose example opens the project's front page.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;

guide_pages! {
    Readme => "README.md",
    Quickstart => "quickstart.md",
    Commands => "commands.md",
    Handlers => "handlers.md",
    Events => "events.md",
    Sessions => "sessions.md",
    Sandbox => "sandbox.md",
    Operations => "operations.md",
    Scheduling => "scheduling.md",
    Testing => "testing.md",
    Configuration => "configuration.md",
    Onebot => "onebot.md",
    OnebotApiFiles => "onebot-api/files.md",
    OnebotApiGroups => "onebot-api/groups.md",
    OnebotApiHttpClient => "onebot-api/http-client.md",
    OnebotApiMessages => "onebot-api/messages.md",
    OnebotApiNapcat => "onebot-api/napcat.md",
    Official => "official.md",
    Media => "media.md",
    Deployment => "deployment.md",
    Performance => "performance.md",
    Architecture => "architecture.md",
    Fuzzing => "fuzzing.md",
}
