/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-context.h"
#include "mc-visit-session-private.h"

/* The clerk's signature as a step of packaging (Thông tư 01/2023/TT-VPCP:
 * each digitized paper signed by the person who digitized it). When a
 * certificate is chosen ("signing-key"), each component's PDF is signed on
 * the packaging thread right after it is written, before the manifest
 * takes its checksum (McPackageOptions.file_hook). The PIN is asked once
 * per visit through "pin-needed" and kept only in this session's memory;
 * a wrong PIN asks again with the token's tries left, a locked token stops
 * asking. A fault leaves that PDF unsigned and whole (mc_signer_sign_pdf
 * writes atomically), and the files can be made again to sign them. */

#define SIGNATURE_RESERVE (64 * 1024)
#define TIMESTAMP_RESERVE (48 * 1024)

void
_mc_visit_session_signature_free (McComponentSignature *sig)
{
  if (sig == NULL)
    return;
  g_free (sig->file);
  g_free (sig->signer);
  g_clear_pointer (&sig->time, g_date_time_unref);
  g_free (sig->problem);
  g_free (sig);
}

static void
wipe_pin (char **pin)
{
  if (*pin == NULL)
    return;
  memset (*pin, 0, strlen (*pin));
  g_clear_pointer (pin, g_free);
}

/* ---- the PIN, asked on the main thread for the packaging thread ------------------------ */

typedef struct {
  McVisitSession *self;
  char           *token;
  char           *text;
} PinAsk;

static gboolean
emit_pin_needed (gpointer data)
{
  PinAsk *ask = data;
  guint signal_id = g_signal_lookup ("pin-needed", MC_TYPE_VISIT_SESSION);

  /* Nobody to ask (no view shows the visit): the papers stay unsigned. */
  if (!g_signal_has_handler_pending (ask->self, signal_id, 0, FALSE))
    mc_visit_session_answer_pin (ask->self, NULL);
  else
    g_signal_emit_by_name (ask->self, "pin-needed", ask->token, ask->text);
  _mc_visit_session_changed (ask->self);
  g_object_unref (ask->self);
  g_free (ask->token);
  g_free (ask->text);
  g_free (ask);
  return G_SOURCE_REMOVE;
}

static void
on_pin_cancelled (GCancellable   *cancellable,
                  McVisitSession *self)
{
  g_mutex_lock (&self->pin_lock);
  self->pin_answered = TRUE;
  g_cond_broadcast (&self->pin_cond);
  g_mutex_unlock (&self->pin_lock);
}

/* McPinFunc, on the packaging thread: the PIN given earlier in this
 * visit, or the clerk's answer to "pin-needed" (NULL: cancelled). */
static char *
session_pin_func (const McPinRequest *request,
                  gpointer            user_data)
{
  McVisitSession *self = user_data;
  PinAsk *ask;
  gulong handler;
  char *pin;

  g_mutex_lock (&self->pin_lock);
  if (self->pin != NULL)
    {
      pin = g_strdup (self->pin);
      g_mutex_unlock (&self->pin_lock);
      return pin;
    }
  self->pin_waiting = TRUE;
  self->pin_answered = FALSE;
  ask = g_new0 (PinAsk, 1);
  ask->self = g_object_ref (self);
  ask->token = g_strdup (request->token ? request->token : "");
  /* After a wrong PIN: what the token said of the tries left. */
  ask->text = g_strdup (self->pin_problem);
  g_mutex_unlock (&self->pin_lock);

  /* Through a source on the session's context, so the prompt is made on
   * the main thread, never on this packaging thread (mc-context.h). */
  mc_context_post (self->context, emit_pin_needed, ask, NULL, "[motcua] PIN needed");

  handler = g_cancellable_connect (self->cancellable, G_CALLBACK (on_pin_cancelled), self, NULL);
  g_mutex_lock (&self->pin_lock);
  while (!self->pin_answered)
    g_cond_wait (&self->pin_cond, &self->pin_lock);
  self->pin_waiting = FALSE;
  pin = g_steal_pointer (&self->pin_answer);
  /* Kept for the visit's other papers; wiped when the visit closes. */
  if (pin != NULL)
    self->pin = g_strdup (pin);
  g_mutex_unlock (&self->pin_lock);
  g_cancellable_disconnect (self->cancellable, handler);
  return pin;
}

void
mc_visit_session_answer_pin (McVisitSession *self,
                             const char     *pin)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  g_mutex_lock (&self->pin_lock);
  if (self->pin_waiting && !self->pin_answered)
    {
      wipe_pin (&self->pin_answer);
      self->pin_answer = g_strdup (pin);
      self->pin_answered = TRUE;
      g_cond_broadcast (&self->pin_cond);
    }
  g_mutex_unlock (&self->pin_lock);
}

gboolean
mc_visit_session_is_asking_pin (McVisitSession *self)
{
  gboolean asking;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  g_mutex_lock (&self->pin_lock);
  asking = self->pin_waiting && !self->pin_answered;
  g_mutex_unlock (&self->pin_lock);
  return asking;
}

/* ---- signing each paper, on the packaging thread --------------------------------------- */

typedef struct {
  McVisitSession *self;
  char           *uri;
  char           *tsa_url;   /* NULL: no timestamp (PAdES B-B) */
  GHashTable     *results;   /* component key → McComponentSignature* */
  char           *stopped;   /* the fault that ended signing: later papers are left as made */
} SignRun;

static void
sign_run_free (SignRun *run)
{
  g_object_unref (run->self);
  g_free (run->uri);
  g_free (run->tsa_url);
  g_hash_table_unref (run->results);
  g_free (run->stopped);
  g_free (run);
}

static void
sign_file (const char   *path,
           const char   *component_key,
           GCancellable *cancellable,
           gpointer      user_data)
{
  SignRun *run = user_data;
  McVisitSession *self = run->self;
  McComponentSignature *sig = g_new0 (McComponentSignature, 1);
  g_autoptr(GError) error = NULL;

  sig->file = g_path_get_basename (path);
  g_hash_table_replace (run->results, g_strdup (component_key), sig);
  if (run->stopped != NULL)
    {
      sig->problem = g_strdup (run->stopped);
      return;
    }
  if (self->signer == NULL)
    {
      self->signer = mc_signer_new (&error);
      if (self->signer == NULL)
        {
          sig->problem = g_strdup (error->message);
          run->stopped = g_strdup (error->message);
          return;
        }
      mc_signer_set_pin_func (self->signer, session_pin_func, self, NULL);
    }
  /* The setting as it was when these files began to be made. */
  mc_signer_set_tsa_url (self->signer, run->tsa_url);

  for (;;)
    {
      g_auto(McSignResult) result = { 0 };

      g_clear_error (&error);
      if (mc_signer_sign_pdf (self->signer, path, path, run->uri, NULL, &result, cancellable, &error))
        {
          g_mutex_lock (&self->pin_lock);
          g_clear_pointer (&self->pin_problem, g_free);
          g_mutex_unlock (&self->pin_lock);
          sig->signer = g_strdup (result.signer);
          sig->time = g_date_time_ref (result.time);
          return;
        }
      g_mutex_lock (&self->pin_lock);
      /* A PIN that did not open the token is not kept. */
      if (g_error_matches (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRONG_PIN) ||
          g_error_matches (error, MC_SIGN_ERROR, MC_SIGN_ERROR_PIN_LOCKED) ||
          g_error_matches (error, MC_SIGN_ERROR, MC_SIGN_ERROR_CANCELLED))
        wipe_pin (&self->pin);
      if (g_error_matches (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRONG_PIN) &&
          !g_cancellable_is_cancelled (cancellable))
        {
          /* Asked again, with the tries left; the token locks itself. */
          g_free (self->pin_problem);
          self->pin_problem = g_strdup (error->message);
          g_mutex_unlock (&self->pin_lock);
          continue;
        }
      g_clear_pointer (&self->pin_problem, g_free);
      g_mutex_unlock (&self->pin_lock);
      break;
    }
  /* The same fault would stop every other paper: they are not tried. */
  sig->problem = g_strdup (error->message);
  run->stopped = g_strdup (error->message);
}

static char *
dup_signing_key (McVisitSession *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "signing-key");

  g_strstrip (uri);
  return *uri != '\0' ? g_steal_pointer (&uri) : NULL;
}

/* Sets the packaging hook when a certificate is chosen; the run is freed
 * with _mc_visit_session_end_signing(). */
void
_mc_visit_session_begin_signing (McVisitSession   *self,
                                 McPackageOptions *options)
{
  g_autofree char *uri = dup_signing_key (self);
  SignRun *run;

  g_clear_pointer (&self->sign_run, sign_run_free);
  if (uri == NULL)
    return;
  run = g_new0 (SignRun, 1);
  run->self = g_object_ref (self);
  run->uri = g_steal_pointer (&uri);
  run->tsa_url = g_settings_get_string (self->settings, "signing-tsa-url");
  g_strstrip (run->tsa_url);
  if (*run->tsa_url == '\0')
    g_clear_pointer (&run->tsa_url, g_free);
  run->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) _mc_visit_session_signature_free);
  self->sign_run = run;
  options->file_hook = sign_file;
  options->file_hook_data = run;
  /* A signature adds about 23 kB (the CMS room, the stamp and its font
   * subset; bench-sign): the PDF is made to leave that much free. */
  options->file_hook_reserve = SIGNATURE_RESERVE;
  /* A timestamp widens the CMS room by 16 kB (hex: 32 kB in the file)
   * and adds the token: bench-sign measures 56 kB per signature then. */
  if (run->tsa_url != NULL)
    options->file_hook_reserve += TIMESTAMP_RESERVE;
}

/* On the main thread once packaging ended. @packaged: the new package is
 * in place, and what was signed in it is now what the visit shows. Returns
 * why signing stopped (for the message), or NULL. */
char *
_mc_visit_session_end_signing (McVisitSession *self,
                               gboolean        packaged)
{
  SignRun *run = self->sign_run;
  char *stopped = NULL;

  self->sign_run = NULL;
  if (packaged)
    {
      g_hash_table_remove_all (self->signatures);
      if (run != NULL)
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, run->results);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              /* Stolen: the key and the value move, nothing is copied. */
              g_hash_table_iter_steal (&iter);
              g_hash_table_insert (self->signatures, key, value);
            }
          stopped = g_strdup (run->stopped);
        }
    }
  if (run != NULL)
    sign_run_free (run);
  return stopped;
}

/* ---- what the clerk sees ------------------------------------------------------------------ */

const McComponentSignature *
mc_visit_session_get_signature (McVisitSession *self,
                                const char     *file)
{
  GHashTableIter iter;
  McComponentSignature *sig;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  g_hash_table_iter_init (&iter, self->signatures);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sig))
    if (g_strcmp0 (sig->file, file) == 0)
      return sig;
  return NULL;
}

/* "Signed by … at …" for a file of the package, "Not signed" when signing
 * was on and did not happen, NULL when nothing was to be signed. */
char *
mc_visit_session_dup_signature_text (McVisitSession *self,
                                     const char     *file)
{
  const McComponentSignature *sig;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  sig = mc_visit_session_get_signature (self, file);
  if (sig != NULL && sig->signer != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (sig->time);
      g_autofree char *when = g_date_time_format (local, "%H:%M %d/%m/%Y");

      /* Translators: the certificate holder's name, then a time like 14:05 07/12/2026 */
      return g_strdup_printf (_("Signed by %s at %s"), sig->signer, when);
    }
  if (mc_visit_get_package_dir (self->visit) == NULL)
    return NULL;
  /* Unsigned is news only where signing was tried or is expected. */
  if ((sig != NULL && sig->problem != NULL) ||
      g_settings_get_boolean (self->settings, "signing-required"))
    return g_strdup (_("Not signed"));
  {
    g_autofree char *uri = dup_signing_key (self);

    if (uri != NULL)
      return g_strdup (_("Not signed"));
  }
  return NULL;
}

/* Why the files may not go to the portal yet, as the setting "signing-required"
 * asks; NULL when they may. */
char *
mc_visit_session_dup_unsigned_reason (McVisitSession *self)
{
  g_autofree char *uri = NULL;
  g_autoptr(GPtrArray) files = NULL;
  guint unsigned_files = 0;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  if (!g_settings_get_boolean (self->settings, "signing-required") ||
      mc_visit_get_package_dir (self->visit) == NULL)
    return NULL;
  files = mc_visit_session_list_package_files (self);
  for (guint i = 0; i < files->len; i++)
    {
      const McComponentSignature *sig = mc_visit_session_get_signature (self, g_ptr_array_index (files, i));

      if (sig == NULL || sig->signer == NULL)
        unsigned_files++;
    }
  if (unsigned_files == 0)
    return NULL;
  uri = dup_signing_key (self);
  if (uri == NULL)
    return g_strdup (_("Every paper must carry your digital signature, but no signing certificate is chosen. Choose it in Preferences, then make the files again."));
  return g_strdup_printf (ngettext ("Every paper must carry your digital signature, and %u file is not signed. Plug in the token and make the files again to sign it.",
                                    "Every paper must carry your digital signature, and %u files are not signed. Plug in the token and make the files again to sign them.",
                                    unsigned_files), unsigned_files);
}

/* The visit closes: the PIN goes with it, and a prompt waiting is answered. */
void
_mc_visit_session_forget_pin (McVisitSession *self)
{
  g_mutex_lock (&self->pin_lock);
  wipe_pin (&self->pin);
  wipe_pin (&self->pin_answer);
  self->pin_answered = TRUE;
  g_cond_broadcast (&self->pin_cond);
  g_mutex_unlock (&self->pin_lock);
}

/* ---- a visit taken up again ------------------------------------------------------------- */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *dir = task_data;
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  GHashTable *found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) _mc_visit_session_signature_free);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GPtrArray) sigs = NULL;
      McComponentSignature *sig;

      if (!g_str_has_suffix (name, ".pdf") || g_cancellable_is_cancelled (cancellable))
        continue;
      path = g_build_filename (dir, name, NULL);
      sig = g_new0 (McComponentSignature, 1);
      sig->file = g_strdup (name);
      sigs = mc_pdf_verify (path, NULL, NULL);
      /* Ours is the last signature, over the whole file as it is now. */
      if (sigs != NULL && sigs->len > 0)
        {
          McPdfSignature *last = g_ptr_array_index (sigs, sigs->len - 1);

          if (last->intact && last->covers_whole_file && last->signer != NULL && last->time != NULL)
            {
              sig->signer = g_strdup (last->signer);
              sig->time = g_date_time_ref (last->time);
            }
        }
      g_hash_table_replace (found, g_strdup (name), sig);
    }
  g_task_return_pointer (task, found, (GDestroyNotify) g_hash_table_unref);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  McVisitSession *self = MC_VISIT_SESSION (source);
  g_autoptr(GHashTable) found = g_task_propagate_pointer (G_TASK (result), NULL);
  GHashTableIter iter;
  gpointer key, value;

  self->loading_signatures = FALSE;
  /* Files made meanwhile say for themselves what was signed. */
  if (found == NULL || self->packaging || g_hash_table_size (self->signatures) > 0)
    {
      _mc_visit_session_changed (self);
      return;
    }
  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_insert (self->signatures, key, value);
    }
  _mc_visit_session_changed (self);
}

/* The signatures of a package made before this session (a visit taken up
 * again): read from its files, off the main thread. */
void
_mc_visit_session_load_signatures (McVisitSession *self)
{
  g_autoptr(GTask) task = NULL;
  const char *dir = mc_visit_get_package_dir (self->visit);

  if (dir == NULL || self->packaging || self->loading_signatures || g_hash_table_size (self->signatures) > 0)
    return;
  self->loading_signatures = TRUE;
  task = g_task_new (self, self->cancellable, on_loaded, NULL);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_thread);
}
