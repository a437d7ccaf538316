//! A 200 MiB download keeps memory far below its size: the body is generated on the fly by a local server and
//! the process's live heap is measured by a counting allocator (deterministic, unlike RSS). Alone in its test
//! binary so no other test's allocations are counted.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use qqbot::adapter::onebot::cqhttp::{HttpApi, HttpApiHooks, HttpApiOptions};
use qqbot::testing::CountingAllocator;

#[global_allocator]
static HEAP: CountingAllocator = CountingAllocator::new();

const MIB: usize = 1024 * 1024;
const SIZE: usize = 200 * MIB;
static PIECE: [u8; 64 * 1024] = [0x5a; 64 * 1024];

struct Quiet;
impl HttpApiHooks for Quiet {
    fn download_progress(&self, _: &str, _: u64, _: Option<u64>) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mib_download_uses_a_small_bounded_amount_of_memory() {
    let app = Router::new().route(
        "/big.bin",
        get(|| async {
            let pieces = futures_util::stream::iter(
                (0..SIZE / PIECE.len()).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(&PIECE))),
            );
            Response::builder().header(header::CONTENT_LENGTH, SIZE).body(Body::from_stream(pieces)).unwrap()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = std::env::temp_dir().join(format!("qqbot-onebot-api-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let client = HttpApi::with_hooks(
        HttpApiOptions { download_path: dir.clone(), ..HttpApiOptions::default() }, // chunk_size 1024 KiB
        Quiet,
    )
    .unwrap();

    HEAP.reset_peak();
    let path = client.download_file("big.bin", format!("http://{addr}/big.bin")).finished().await.unwrap();
    let growth = HEAP.peak_growth();

    let size = std::fs::metadata(&path).unwrap().len();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(size, SIZE as u64);
    assert!(growth < 16 * MIB, "peak heap grew by {} MiB while downloading 200 MiB", growth / MIB);
    eprintln!("peak heap growth during a 200 MiB download: {:.1} MiB", growth as f64 / MIB as f64);
}
