//! Keeping the file in bounds and safe: pruning old score runs and raw text (`earshot retention`), an
//! online copy (`earshot backup`) and compaction (`earshot vacuum`).

use crate::{sql_err, Result, Store, StoreError};
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};

/// What [`Store::prune_runs`] deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PrunedRuns {
    pub runs: u64,
    pub scores: u64,
    pub topic_scores: u64,
}

/// What [`Store::prune_text`] cleared.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PrunedText {
    pub posts: u64,
    /// Answered triage messages (unanswered ones keep their text: someone still has to read it).
    pub triage_messages: u64,
}

impl Store {
    /// Delete every finished import-log row but the latest `keep` (each `POST /v1/events` adds one);
    /// rows still `running` stay. Returns how many went.
    pub fn prune_import_log(&mut self, keep: usize) -> Result<u64> {
        self.conn
            .execute(
                "DELETE FROM imports WHERE status <> 'running' AND id NOT IN
                     (SELECT id FROM imports ORDER BY id DESC LIMIT ?1)",
                params![keep as i64],
            )
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Delete every score run but the latest `keep` (by id), with their scores, topic scores and topic
    /// tables, in one transaction. Triage decisions keep the number of the run they used.
    pub fn prune_runs(&mut self, keep: usize) -> Result<PrunedRuns> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| sql_err(&path, e))?;
        let out = prune_runs(&tx, keep).map_err(|e| sql_err(&path, e))?;
        tx.commit().map_err(|e| sql_err(&path, e))?;
        Ok(out)
    }

    /// Clear the text of posts made before `before` (seconds) and of triage messages answered and received
    /// before it. Scores keep working; topics and sentiment need text and see none for those posts.
    pub fn prune_text(&mut self, before: i64) -> Result<PrunedText> {
        let path = self.path.clone();
        let folder = self.segment_folder();
        let tx = self.conn.transaction().map_err(|e| sql_err(&path, e))?;
        let posts = tx
            .execute(
                "UPDATE posts SET text = NULL WHERE time < ?1 AND text IS NOT NULL",
                params![before],
            )
            .map_err(|e| sql_err(&path, e))? as u64;
        let mut files = crate::segments::rewrite::Rewritten::default();
        // Posts are counted once however many files hold a copy.
        let mut cleared = rustc_hash::FxHashSet::default();
        let logged = crate::segments::rewrite::edit_posts(
            &tx,
            &folder,
            |p| match p.text {
                Some(_) if p.time < before => {
                    cleared.insert(p.id);
                    crate::segments::rewrite::PostChange::Edit {
                        references: [p.reply_to, p.quote_of, p.reshare_of],
                        text: None,
                    }
                }
                _ => crate::segments::rewrite::PostChange::Keep,
            },
            &mut files,
        );
        if let Err(e) = logged {
            for path in &files.written {
                let _ = std::fs::remove_file(path);
            }
            return Err(sql_err(&path, e));
        }
        let posts = posts + cleared.len() as u64;
        let triage_messages = tx
            .execute(
                "UPDATE triage_messages SET text = '' WHERE received_at < ?1
                     AND answered_at IS NOT NULL AND text <> ''",
                params![before],
            )
            .map_err(|e| sql_err(&path, e))? as u64;
        let committed = tx.commit();
        // Replaced post segments go once the change is committed; new ones if it was not.
        let stale = if committed.is_ok() {
            &files.retired
        } else {
            &files.written
        };
        for file in stale {
            let _ = std::fs::remove_file(file);
        }
        committed.map_err(|e| sql_err(&path, e))?;
        Ok(PrunedText {
            posts,
            triage_messages,
        })
    }

    /// Copy the database to `to` with SQLite's online backup, from one read snapshot: writers (a running
    /// server) go on meanwhile, and the copy is the database as of the moment it began. The copy is
    /// written beside `to` and renamed into place once complete and checked, so `to` is never half a
    /// database. Returns its size in bytes.
    pub fn backup_to(&self, to: &Path) -> Result<u64> {
        let partial = PathBuf::from(format!("{}.partial", to.display()));
        let _ = std::fs::remove_file(&partial);
        let copied = copy(&self.conn, &partial).and_then(|()| {
            let dst = Connection::open(&partial)?;
            let ok: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            Ok(ok)
        });
        let ok = match copied {
            Ok(ok) => ok,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(sql_err(to, e));
            }
        };
        if ok != "ok" {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Invalid {
                path: to.to_path_buf(),
                what: "backup copy",
                why: ok,
            });
        }
        // The copy's catalogue names the segments of its snapshot; they are immutable, so copying them
        // now gives the same events. They go in place before the database that names them.
        let segments = match self.copy_segments_for(&partial, to) {
            Ok(bytes) => bytes,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::rename(&partial, to).map_err(|e| StoreError::Io {
            path: to.to_path_buf(),
            source: e,
        })?;
        Ok(std::fs::metadata(to).map(|m| m.len()).unwrap_or(0) + segments)
    }

    /// Copy (or hard-link, on the same file system) the segments that the database copy at `copy`
    /// catalogues into the folder of `to`, removing other files there; their total size.
    fn copy_segments_for(&self, copy: &Path, to: &Path) -> Result<u64> {
        let files = Connection::open(copy)
            .and_then(|c| crate::segments::catalogue::list_all(&c))
            .map_err(|e| sql_err(copy, e))?;
        let (from_dir, to_dir) = (self.segment_folder(), crate::segments::folder_of(to));
        let io = |path: &Path, source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        if files.is_empty() {
            return Ok(0);
        }
        std::fs::create_dir_all(&to_dir).map_err(|e| io(&to_dir, e))?;
        let wanted: std::collections::HashSet<&str> =
            files.iter().map(|s| s.file.as_str()).collect();
        if let Ok(entries) = std::fs::read_dir(&to_dir) {
            for e in entries.flatten() {
                if !wanted.contains(e.file_name().to_string_lossy().as_ref()) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let mut bytes = 0;
        for s in &files {
            let (src, dst) = (from_dir.join(&s.file), to_dir.join(&s.file));
            let tmp = to_dir.join(format!("{}.partial", s.file));
            let _ = std::fs::remove_file(&tmp);
            if std::fs::hard_link(&src, &tmp).is_err() {
                std::fs::copy(&src, &tmp).map_err(|e| io(&src, e))?;
            }
            std::fs::rename(&tmp, &dst).map_err(|e| io(&dst, e))?;
            bytes += s.bytes;
        }
        Ok(bytes)
    }

    /// Rebuild the file without free pages (`VACUUM`), then truncate the write-ahead log. Returns the
    /// database file's size before and after, in bytes. Needs the database to itself for a moment:
    /// fails with a busy error while another connection writes.
    pub fn vacuum(&mut self) -> Result<(u64, u64)> {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let before = size(&self.path);
        self.conn.execute_batch("VACUUM").map_err(|e| self.err(e))?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| self.err(e))?;
        Ok((before, size(&self.path)))
    }
}

fn prune_runs(tx: &Connection, keep: usize) -> rusqlite::Result<PrunedRuns> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS prune_runs (id INTEGER PRIMARY KEY); DELETE FROM prune_runs;",
    )?;
    tx.execute(
        "INSERT INTO prune_runs (id) SELECT id FROM score_runs ORDER BY id DESC LIMIT -1 OFFSET ?1",
        params![keep as i64],
    )?;
    let run = |sql: &str| tx.execute(sql, []).map(|n| n as u64);
    let out = PrunedRuns {
        scores: run("DELETE FROM scores WHERE run_id IN (SELECT id FROM prune_runs)")?,
        topic_scores: run("DELETE FROM topic_scores WHERE run_id IN (SELECT id FROM prune_runs)")?,
        runs: {
            run("DELETE FROM score_topics WHERE run_id IN (SELECT id FROM prune_runs)")?;
            run("DELETE FROM score_taxonomies WHERE run_id IN (SELECT id FROM prune_runs)")?;
            run("DELETE FROM score_runs WHERE id IN (SELECT id FROM prune_runs)")?
        },
    };
    run("DELETE FROM prune_runs")?;
    Ok(out)
}

fn copy(src: &Connection, to: &Path) -> rusqlite::Result<()> {
    let mut dst = Connection::open(to)?;
    let backup = rusqlite::backup::Backup::new(src, &mut dst)?;
    // All pages in one step: one read snapshot, never restarted by a concurrent writer.
    backup.step(-1)?;
    Ok(())
}
