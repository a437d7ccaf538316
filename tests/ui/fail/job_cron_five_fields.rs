use qqbot::prelude::*;

#[job(cron = "0 8 * * *")]
async fn good_morning(_ctx: JobCtx) {}

fn main() {}
