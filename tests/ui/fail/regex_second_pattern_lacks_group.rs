use qqbot::prelude::*;

// Every pattern of a command must give each typed parameter a group: the second has none for `n`.
#[command(regex = [r"^roll (?P<n>\d+)$", r"^roll$"])]
async fn roll(n: u32) -> String {
    n.to_string()
}

fn main() {}
