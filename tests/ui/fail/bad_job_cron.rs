use qqbot::prelude::*;

#[job(cron = "0 0 25 * * *")]
async fn good_morning(ctx: JobCtx) {
    let _ = ctx;
}

fn main() {}
