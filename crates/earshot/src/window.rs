//! The time window and platform options shared by commands that read a slice of the stored events.

use anyhow::Result;
use clap::Args;
use earshot_store::TimeWindow;

#[derive(Args, Debug, Clone, Default)]
pub struct WindowArgs {
    /// Start of the window (inclusive): unix seconds or a date such as 2012-07-04 or 2012-07-04T12:00:00Z.
    #[arg(long)]
    pub from: Option<String>,
    /// End of the window (exclusive). Decay is measured back from here (default: the latest event).
    #[arg(long)]
    pub to: Option<String>,
    /// Only accounts of this platform.
    #[arg(long)]
    pub platform: Option<String>,
}

impl WindowArgs {
    pub fn window(&self) -> Result<TimeWindow> {
        Ok(TimeWindow {
            from: parse_instant("--from", &self.from)?,
            to: parse_instant("--to", &self.to)?,
        })
    }
}

pub use earshot_app::time::parse_instant;
