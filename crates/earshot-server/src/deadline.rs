//! A request body that must arrive in full by a deadline: the body timeout. A per-read timeout would
//! let a client trickle one byte just inside it forever; a deadline from the end of the headers bounds
//! how long any request can hold its connection, its key's write slot and the spool it fills.

use axum::body::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

type BoxError = Box<dyn StdError + Send + Sync>;

/// The error a body reports once its deadline has passed; handlers answer 408 for it
/// ([`is_timed_out`]).
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in full within {} s", .0.as_secs_f64())]
pub struct BodyTimedOut(pub Duration);

/// `inner`, failing with [`BodyTimedOut`] if it has not ended `timeout` after it was wrapped.
pub struct DeadlineBody<B> {
    inner: B,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timeout: Duration,
}

impl<B> DeadlineBody<B> {
    pub fn new(inner: B, timeout: Duration) -> Self {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            timeout,
        }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut(self.timeout)))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `e`, or any error behind it, is a body's deadline passing.
pub fn is_timed_out(e: &(dyn StdError + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<BodyTimedOut>() {
            return true;
        }
        cur = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    /// A body whose sender never sends.
    struct Silent;

    impl Body for Silent {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_body_still_open_at_its_deadline_fails_and_a_whole_one_does_not() {
        let whole = DeadlineBody::new(
            http_body_util::Full::new(Bytes::from_static(b"abc")),
            Duration::from_secs(60),
        );
        assert_eq!(whole.collect().await.unwrap().to_bytes(), "abc");
        let open = DeadlineBody::new(Silent, Duration::from_millis(20));
        let err = open.collect().await.expect_err("the deadline passes");
        assert!(is_timed_out(err.as_ref()), "{err}");
        assert!(err.to_string().contains("0.02 s"), "{err}");
        let other = std::io::Error::other("reset");
        assert!(!is_timed_out(&other));
    }
}
