use qqbot::prelude::*;

#[command("查询", rate_limit = "5/week")]
async fn query() {}

fn main() {}
