//! The WebSocket settings every adapter connection uses.

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Bytes asked of the socket per read. tungstenite zero-fills this much of its read buffer before every read
/// attempt, including the many that find nothing to read, so its 128 KiB default costs a 128 KiB `memset` (and
/// evicts the caches) each time a connection task is polled, and keeps 128 KiB resident per connection. Bot
/// frames are a few hundred bytes, so 4 KiB holds about ten (throughput measured the same as with 16 KiB); a
/// longer frame still arrives whole, in more reads.
const READ_CHUNK: usize = 4 * 1024;

/// tungstenite's defaults with [`READ_CHUNK`]-sized reads and frames and messages up to `max_frame` bytes.
pub(crate) fn config(max_frame: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_CHUNK)
        .max_message_size(Some(max_frame))
        .max_frame_size(Some(max_frame))
}
