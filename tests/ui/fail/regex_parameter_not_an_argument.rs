use qqbot::prelude::*;

// A capture group binds to typed arguments (`FromArg`) only.
#[command(regex = r"^wait (?P<d>\d+)s$")]
async fn wait(d: std::time::Duration) -> String {
    format!("{d:?}")
}

fn main() {}
