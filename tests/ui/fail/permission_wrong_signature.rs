use qqbot::prelude::*;

// A permission check borrows the context and answers yes or no; this one takes it by value.
async fn vip(ctx: Ctx) -> bool {
    ctx.user_id().starts_with("vip")
}

#[command("/x", permission = SUPERUSER | vip)]
async fn x() -> &'static str {
    "x"
}

fn main() {}
