//! The export written record by record, for a store too large (or a server too busy) to
//! hold the whole dataset in memory.
//!
//! [`Store::export`] builds a [`Dataset`](crate::domain::Dataset): fine for one command,
//! but a server answering many `ssh … export` requests at once would hold one copy per
//! request. Here each record is decoded, written and dropped in turn, through serde's own
//! serializer, so the bytes are exactly those of `write_json(&store.export()?)`.

use std::cell::RefCell;
use std::io::Write;

use serde::de::DeserializeOwned;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::domain::builtin::is_builtin_tag;
use crate::domain::{
    Activity, Agreement, Attention, FORMAT_NAME, Partner, Region, SCHEMA_VERSION, Tag,
};

use super::{Store, StoreError, keys};

/// Why a streamed export stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// A record could not be read or decoded.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output could not be written.
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
}

impl Store {
    /// Writes the whole store as the interchange file (pretty JSON and a final newline,
    /// the same bytes as [`write_json`](super::interchange::write_json) of
    /// [`export`](Store::export)) without holding more than one record at a time.
    ///
    /// No change lands while it runs (the write lock is held), so write into something
    /// fast, such as a temporary file, never straight to a network client. Returns the
    /// store's generation the export shows, when it is known.
    pub fn export_json_to(&self, out: &mut dyn Write) -> Result<Option<u64>, StreamError> {
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let failure = RefCell::new(None);
        let whole = Whole {
            store: self,
            failure: &failure,
        };
        let written = serde_json::to_writer_pretty(&mut *out, &whole)
            .map_err(|e| match failure.take() {
                Some(store) => StreamError::Store(store),
                None => StreamError::Write(e.into()),
            })
            .and_then(|()| Ok(out.write_all(b"\n")?));
        written?;
        Ok(self.generation())
    }
}

/// The store as a `Dataset` to serde, read while it is written.
struct Whole<'a> {
    store: &'a Store,
    /// The store error behind a serde error, to report it as itself.
    failure: &'a RefCell<Option<StoreError>>,
}

impl Whole<'_> {
    fn records<T>(&self, prefix: u8) -> Records<'_, T, T> {
        Records {
            whole: self,
            prefix,
            pick: |t| Some(t),
        }
    }
}

impl Serialize for Whole<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let store = self.store;
        let stages = store.stages().map_err(|e| self.fail(e))?;
        let has_attention = store
            .scan_prefix(&[keys::ATTENTION])
            .map_err(|e| self.fail(e))?
            .next()
            .is_some();
        // Field names and order as `Dataset` derives them; `attention` is left out when
        // empty, as its `skip_serializing_if` does.
        let mut st = s.serialize_struct("Dataset", if has_attention { 9 } else { 8 })?;
        st.serialize_field("format", FORMAT_NAME)?;
        st.serialize_field("schema", &SCHEMA_VERSION)?;
        st.serialize_field("stages", &stages)?;
        st.serialize_field(
            "tags",
            &Records::<Tag, Tag> {
                whole: self,
                prefix: keys::TAG,
                pick: |t| (!is_builtin_tag(&t.id)).then_some(t),
            },
        )?;
        st.serialize_field("regions", &self.records::<Region>(keys::REGION))?;
        st.serialize_field("partners", &self.records::<Partner>(keys::PARTNER))?;
        st.serialize_field(
            "agreements",
            &Records::<(u64, Agreement), Agreement> {
                whole: self,
                prefix: keys::AGREEMENT,
                pick: |(_, a)| Some(a),
            },
        )?;
        st.serialize_field("activities", &self.records::<Activity>(keys::ACTIVITY))?;
        if has_attention {
            st.serialize_field("attention", &self.records::<Attention>(keys::ATTENTION))?;
        }
        st.end()
    }
}

impl Whole<'_> {
    /// Keeps a store error for the caller and gives serde one of its own.
    fn fail<E: serde::ser::Error>(&self, e: StoreError) -> E {
        let text = e.to_string();
        self.failure.replace(Some(e));
        E::custom(text)
    }
}

/// Every record under one prefix, decoded as `T` and written as the `U` that `pick` makes of
/// it (or left out).
struct Records<'a, T, U> {
    whole: &'a Whole<'a>,
    prefix: u8,
    pick: fn(T) -> Option<U>,
}

impl<T: DeserializeOwned, U: Serialize> Serialize for Records<'_, T, U> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let store = self.whole.store;
        let mut seq = s.serialize_seq(None)?;
        let items = store
            .scan_prefix(&[self.prefix])
            .map_err(|e| self.whole.fail::<S::Error>(e))?;
        for item in items {
            let (key, value) = item.map_err(|e| self.whole.fail(store.read_error(e)))?;
            let record: T = store
                .decode(&key, &value)
                .map_err(|e| self.whole.fail::<S::Error>(e))?;
            if let Some(out) = (self.pick)(record) {
                seq.serialize_element(&out)?;
            }
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Decision, FollowUp, PastDecision};
    use crate::store::interchange::{read_dataset, write_json};
    use crate::store::{Actor, ImportMode};

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name)
    }

    fn same_bytes_as_export(store: &Store) -> usize {
        let mut whole = Vec::new();
        write_json(&store.export().unwrap(), &mut whole).unwrap();
        let mut streamed = Vec::new();
        store.export_json_to(&mut streamed).unwrap();
        assert!(
            whole == streamed,
            "the streamed export differs from the export, first at byte {:?}",
            whole.iter().zip(&streamed).position(|(a, b)| a != b)
        );
        whole.len()
    }

    #[test]
    fn the_streamed_export_is_the_export_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store"), "test").unwrap();
        // Empty: every list is `[]`.
        same_bytes_as_export(&store);
        let mut data = read_dataset(&fixture("demo.json")).unwrap();
        // Triage decisions and a tag of its own, which the demo lacks.
        let first = data.agreements[0].id;
        data.tags.push(Tag {
            id: "sister-school".into(),
            label_id: "Sekolah kembar".into(),
            label_en: "Sister school".into(),
        });
        data.attention.push(Attention {
            agreement: first,
            decision: Some(Decision::Renewal),
            decided: chrono::NaiveDate::from_ymd_opt(2026, 1, 5),
            past_decisions: vec![PastDecision {
                decision: Decision::Revitalization,
                decided: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
                until: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
            }],
            snoozed_until: None,
            snoozed_on: None,
            snooze_note: "\"quoted\" note, ü".into(),
            follow_ups: vec![FollowUp {
                owner: "Siti".into(),
                due: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap_or_default(),
                next_step: "call".into(),
                done: None,
                noted: chrono::NaiveDate::from_ymd_opt(2026, 1, 5),
            }],
        });
        store
            .import(&data, "demo.json", ImportMode::Merge, &Actor::local())
            .unwrap();
        let size = same_bytes_as_export(&store);
        assert!(size > 100_000, "the demo export is {size} bytes");
    }
}
