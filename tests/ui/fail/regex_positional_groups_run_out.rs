use qqbot::prelude::*;

// Unnamed groups bind in order: `x` takes the first, nothing is left for `y`.
#[command(regex = r"^(\d+) to$")]
async fn span(ctx: Ctx, x: u32, y: u32) -> String {
    let _ = ctx;
    format!("{x}..{y}")
}

fn main() {}
