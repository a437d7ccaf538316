use qqbot::prelude::*;

#[command("查询", cooldown_msg = "稍等 {remaining} 秒")]
async fn query() {}

fn main() {}
