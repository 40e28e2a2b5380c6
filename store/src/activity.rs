//! Each source's activity per week, for the sources page's charts: the
//! items first seen and the items approved (by the date of their approval
//! standing now: an item approved then rejected is not counted), in weeks
//! that start on Monday (UTC).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::params;
use crate::{Decision, Result, Store};

/// One source's week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceWeek {
    pub source_id: String,
    /// The week's Monday.
    pub week: NaiveDate,
    /// Items first seen that week.
    pub items: u64,
    /// Items approved that week.
    pub approvals: u64,
}

/// The Monday of `day`'s week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

impl Store {
    /// Per source, the weeks from `since`'s on that saw an item first seen
    /// or approved, by source then week. Reads the items by their
    /// `first_seen` index, never the whole table.
    pub fn source_weeks(&self, since: NaiveDate) -> Result<Vec<SourceWeek>> {
        let from = week_of(since).to_string();
        // The sums cast to BIGINT: PostgreSQL's sum of a BIGINT is NUMERIC,
        // which the store does not read.
        let rows = self.read()?.db().query_map(
            "SELECT source_id, day, CAST(sum(items) AS BIGINT), CAST(sum(approvals) AS BIGINT)
             FROM (
                SELECT source_id, substr(first_seen, 1, 10) AS day, 1 AS items, 0 AS approvals
                  FROM items WHERE first_seen >= ?1
                UNION ALL
                SELECT i.source_id, substr(r.at, 1, 10), 0, 1
                  FROM reviews r JOIN items i ON i.id = r.item_id
                 WHERE r.decision = ?2 AND r.at >= ?1
             ) AS days GROUP BY source_id, day",
            params![from, Decision::Approve.as_str()],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<i64>(3)?,
                ))
            },
        )?;
        let mut weeks: BTreeMap<(String, NaiveDate), (u64, u64)> = BTreeMap::new();
        for (source_id, day, items, approvals) in rows {
            let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
                continue;
            };
            let entry = weeks.entry((source_id, week_of(day))).or_insert((0, 0));
            entry.0 += items.max(0) as u64;
            entry.1 += approvals.max(0) as u64;
        }
        Ok(weeks
            .into_iter()
            .map(|((source_id, week), (items, approvals))| SourceWeek {
                source_id,
                week,
                items,
                approvals,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
