use qqbot::prelude::*;

struct Config;

#[command("hi")]
async fn hi(ctx: Ctx, config: Config) -> String {
    let _ = config;
    ctx.user_id().to_owned()
}

fn main() {}
