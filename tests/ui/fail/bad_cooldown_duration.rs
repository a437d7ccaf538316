use qqbot::prelude::*;

#[command("签到", cooldown = "30 seconds")]
async fn sign_in() {}

fn main() {}
