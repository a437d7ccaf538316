use qqbot::prelude::*;

#[command("ban", admin_error_msg = "admins only")]
async fn ban() {}

fn main() {}
