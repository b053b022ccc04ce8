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
        "{path} holds data that is not a kembar store: {found}.\n\
         Point --db (or KEMBAR_DB) at an empty folder or an existing kembar store; kembar \
         changed nothing there."
    )]
    NotAStore {
        path: PathBuf,
        /// What was found, e.g. "a file named thesis.docx".
        found: String,
    },

    #[error(
        "{link} is a symbolic link, and kembar never reads or writes a store's files through \
         links.\n\
         Replace the link with the file it points to, or point --db at a folder without links \
         ({path}). Nothing was changed."
    )]
    Link { path: PathBuf, link: PathBuf },

    #[error(
        "cannot open the store at {path}: {file} is damaged ({reason}), and kembar could not \
         rebuild it from the store's other files.\n\
         Restore the folder from a backup (or `kembar export` from a copy that still opens); \
         the damaged files were left in place{aside}."
    )]
    Damaged {
        path: PathBuf,
        /// The file that is damaged, e.g. `/srv/kembar/store/db`.
        file: PathBuf,
        reason: String,
        /// ", and ... set aside as ..." when a file was renamed on the way.
        aside: String,
    },

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
        "the change was not saved: the store at {path} could not write it to disk ({reason}).\n\
         {next}"
    )]
    NotSaved {
        path: PathBuf,
        reason: String,
        /// What state the store is in now and what to do.
        next: String,
    },

    /// A write failed and the store could not be read back to see whether the change had
    /// reached the disk before it did: it may be there or not, and saying either would lie.
    #[error(
        "the change may not have been saved: the store at {path} failed while writing it \
         ({reason}) and could not be checked afterwards.\n{next}"
    )]
    MaybeSaved {
        path: PathBuf,
        reason: String,
        next: String,
    },

    #[error(
        "the store at {path} cannot be used until its files can be opened again: {reason}.\n\
         An earlier write failed and kembar is waiting to reopen the store; {fix} Nothing \
         saved was lost."
    )]
    Unavailable {
        path: PathBuf,
        reason: String,
        /// What to do, e.g. "free some disk space and try again."
        fix: String,
    },

    #[error("{record} no longer exists in the store at {path}")]
    Missing { path: PathBuf, record: String },
}
