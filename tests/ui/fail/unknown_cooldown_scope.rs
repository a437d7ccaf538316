use qqbot::prelude::*;

#[command("抽奖", cooldown = "1m", cooldown_scope = gruop)]
async fn lottery() {}

fn main() {}
