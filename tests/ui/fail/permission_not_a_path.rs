use qqbot::prelude::*;

#[command("/x", permission = SUPERUSER & GROUP_ADMIN)]
async fn x() -> &'static str {
    "x"
}

fn main() {}
