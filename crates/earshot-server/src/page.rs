//! Pagination, the same on every list: `limit` (1–1000, default 50) and `offset`, and a response that
//! says where the next page starts.

use crate::problem::{ApiError, ApiResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const MAX_LIMIT: u32 = 1000;
pub const DEFAULT_LIMIT: u32 = 50;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Items to skip (default 0).
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

impl PageParams {
    /// `(limit, offset)`, checked.
    pub fn get(&self) -> ApiResult<(usize, usize)> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit must be 1–{MAX_LIMIT}, not {limit}"
            )));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > 1_000_000_000 {
            return Err(ApiError::bad_request("offset must be at most 1000000000"));
        }
        Ok((limit as usize, offset as usize))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub limit: u32,
    pub offset: u64,
    /// The offset of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}

impl<T> Page<T> {
    /// A page from `items` fetched with one more than `limit` asked for: the extra one only tells
    /// whether a next page exists.
    pub fn from_probe(mut items: Vec<T>, limit: usize, offset: usize) -> Self {
        let more = items.len() > limit;
        items.truncate(limit);
        Page {
            items,
            limit: limit as u32,
            offset: offset as u64,
            next_offset: more.then_some((offset + limit) as u64),
        }
    }
}
