use qqbot::prelude::*;

// A word command has no regex match to give.
#[command("calc")]
async fn calc(caps: Captures) -> String {
    caps[0].to_owned()
}

fn main() {}
