//! A `cacheStore` that fails or hangs is skipped for a while: one failed `get` or `set` stops
//! this instance using the store for `BACK_OFF_MS`, then one call probes it; a probe that works
//! ends the back-off, one that fails starts another. A hung store costs one timeout per back-off,
//! not one per call. Each operation is warned about once until it works again.

use crate::log::lines::StoreOp;

pub const BACK_OFF_MS: f64 = 30_000.0;
/// A probe whose answer never came (its call was cancelled) stops counting as one after this.
const PROBE_MS: f64 = 2.0 * crate::cache::stored::TIMEOUT_MS;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum State {
    #[default]
    Working,
    Skipping {
        until_ms: f64,
    },
    Probing {
        until_ms: f64,
    },
}

/// Whether a store call may go ahead.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Gate {
    Go,
    /// The back-off has passed: this call tries the store for everyone.
    Probe,
    Skip,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BackOff {
    state: State,
    /// Per operation (`StoreOp as usize`): warned since it last worked.
    warned: [bool; 2],
}

impl BackOff {
    pub fn gate(&mut self, now_ms: f64) -> Gate {
        match self.state {
            State::Working => Gate::Go,
            State::Skipping { until_ms } | State::Probing { until_ms } if now_ms >= until_ms => {
                self.state = State::Probing { until_ms: now_ms + PROBE_MS };
                Gate::Probe
            }
            _ => Gate::Skip,
        }
    }

    pub fn worked(&mut self, op: StoreOp) {
        self.state = State::Working;
        self.warned[op as usize] = false;
    }

    /// Starts a back-off; whether this failure is to be warned about (the first of `op`'s
    /// since it last worked).
    pub fn failed(&mut self, op: StoreOp, now_ms: f64) -> bool {
        self.state = State::Skipping { until_ms: now_ms + BACK_OFF_MS };
        !std::mem::replace(&mut self.warned[op as usize], true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_skips_the_store_then_one_call_probes_it() {
        let mut b = BackOff::default();
        assert_eq!(b.gate(0.0), Gate::Go);
        assert!(b.failed(StoreOp::Get, 0.0), "the first failure is warned about");
        assert_eq!(b.gate(1.0), Gate::Skip);
        assert_eq!(b.gate(BACK_OFF_MS - 1.0), Gate::Skip);
        assert_eq!(b.gate(BACK_OFF_MS), Gate::Probe);
        assert_eq!(b.gate(BACK_OFF_MS + 1.0), Gate::Skip, "one probe at a time");
        assert!(!b.failed(StoreOp::Get, BACK_OFF_MS + 1_000.0), "a failed probe is not warned again");
        assert_eq!(b.gate(BACK_OFF_MS + 2_000.0), Gate::Skip);
        assert_eq!(b.gate(2.0 * BACK_OFF_MS + 1_000.0), Gate::Probe);
        b.worked(StoreOp::Get);
        assert_eq!(b.gate(2.0 * BACK_OFF_MS + 1_001.0), Gate::Go);
        assert!(b.failed(StoreOp::Get, 3.0 * BACK_OFF_MS), "after working again, a failure is news");
    }

    #[test]
    fn warnings_are_per_operation_and_a_lost_probe_is_retried() {
        let mut b = BackOff::default();
        assert!(b.failed(StoreOp::Set, 0.0));
        assert!(b.failed(StoreOp::Get, 0.0), "get has not been warned about");
        assert!(!b.failed(StoreOp::Set, 1.0));
        b.worked(StoreOp::Get);
        assert!(!b.failed(StoreOp::Set, 2.0), "set has not worked since");
        assert_eq!(b.gate(2.0 + BACK_OFF_MS), Gate::Probe);
        assert_eq!(b.gate(2.0 + BACK_OFF_MS + PROBE_MS), Gate::Probe, "the probe never answered");
    }
}
