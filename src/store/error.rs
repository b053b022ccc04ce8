//! What can go wrong with a store, in words that name the store and the way out.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the store at {path} is in use by another kembar process{owner}.\n\
         Close that kembar first{hint}, or open another store with --db PATH."
    )]
    InUse {
        path: PathBuf,
        /// ", pid 1234 (alice, dashboard since 09:12)" when known.
        owner: String,
        /// Extra advice, e.g. the ssh command when a server holds the store.
        hint: String,
    },

    #[error(
        "the store at {path} was written by a newer kembar (store schema {found}; this kembar \
         reads schema {supported} and older).\n\
         Upgrade kembar, or run `kembar export` with the newer version and import the file here. \
         Nothing was changed."
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "{path} holds data that is not a kembar store.\n\
         Point --db (or KEMBAR_DB) at an empty folder or an existing kembar store."
    )]
    NotAStore { path: PathBuf },

    #[error("cannot open the store at {path}: {reason}.\n{fix}")]
    Open {
        path: PathBuf,
        reason: String,
        fix: String,
    },

    #[error(
        "the store at {path} has an unreadable {record}: {reason}.\n\
         Export what can be read and restore the rest from a backup; nothing was changed."
    )]
    Corrupt {
        path: PathBuf,
        record: String,
        reason: String,
    },

    #[error(
        "cannot write to the store at {path}: {reason}.\n\
         Check free disk space and that you may write there; nothing was saved by this change."
    )]
    Write { path: PathBuf, reason: String },

    #[error(
        "{record} was changed by {by} at {at} after you started editing it; your change was not \
         saved. Reload to see theirs, or keep editing."
    )]
    Conflict {
        record: String,
        by: String,
        at: String,
    },

    #[error(
        "the change was written to the store at {path}, but the disk did not confirm it: \
         {reason}.\nIt may be lost if kembar stops now; check free disk space and that you may \
         write there (running the same import again is harmless)."
    )]
    Unconfirmed { path: PathBuf, reason: String },

    #[error("{record} no longer exists in the store at {path}")]
    Missing { path: PathBuf, record: String },
}
