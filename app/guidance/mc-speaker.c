/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-speaker"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#ifdef HAVE_SPEECHD
#include <libspeechd.h>
#endif

#include "mc-context.h"
#include "mc-speaker.h"

/* Requests go to the thread through a queue; results come back through
 * an idle source on the creator's context (mc-context.h), through a weak
 * reference, so a speaker may be finalized while the thread is stuck in a
 * call: the thread then finds the speaker gone, and the shared state it
 * keeps a reference to is freed by whichever side lets go last. */

typedef enum {
  REQUEST_SAY,
  REQUEST_STOP,
  REQUEST_QUIT,
} RequestKind;

typedef struct {
  RequestKind  kind;
  char        *text;
  char        *language;
} Request;

typedef struct {
  gatomicrefcount  ref;
  GAsyncQueue     *queue;
  GMainContext    *context;
  GWeakRef         speaker;
} Shared;

struct _McSpeaker
{
  GObject   parent_instance;

  Shared   *shared;
  GThread  *thread;
  char     *error;
};

G_DEFINE_FINAL_TYPE (McSpeaker, mc_speaker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SAID, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
request_free (Request *r)
{
  g_free (r->text);
  g_free (r->language);
  g_free (r);
}

static Shared *
shared_ref (Shared *s)
{
  g_atomic_ref_count_inc (&s->ref);
  return s;
}

static void
shared_unref (Shared *s)
{
  if (!g_atomic_ref_count_dec (&s->ref))
    return;
  g_async_queue_unref (s->queue);
  g_main_context_unref (s->context);
  g_weak_ref_clear (&s->speaker);
  g_free (s);
}

/* ---- Back on the creator's thread ------------------------------------------- */

typedef struct {
  Shared   *shared;
  char     *error;      /* NULL: @said was accepted */
  char     *said;
} Report;

static gboolean
deliver_report (gpointer data)
{
  Report *report = data;
  g_autoptr(McSpeaker) self = g_weak_ref_get (&report->shared->speaker);

  if (self != NULL)
    {
      if (g_strcmp0 (self->error, report->error) != 0)
        {
          g_free (self->error);
          self->error = g_strdup (report->error);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
        }
      if (report->said != NULL)
        g_signal_emit (self, signals[SAID], 0, report->said);
    }
  shared_unref (report->shared);
  g_free (report->error);
  g_free (report->said);
  g_free (report);
  return G_SOURCE_REMOVE;
}

static void
report (Shared     *shared,
        const char *error,
        const char *said)
{
  Report *r = g_new0 (Report, 1);

  r->shared = shared_ref (shared);
  r->error = g_strdup (error);
  r->said = g_strdup (said);
  mc_context_post (shared->context, deliver_report, r, NULL, "[motcua] speaker report");
}

/* ---- The speaker's thread ---------------------------------------------------- */

#ifdef HAVE_SPEECHD
static SPDConnection *
connect_speechd (char **message)
{
  char *spd_error = NULL;
  SPDConnection *connection;

  /* autospawn: starts the user's speech-dispatcher when it is installed
   * but not running, as screen readers do. */
  connection = spd_open2 ("motcua", "citizen", NULL, SPD_MODE_SINGLE, NULL, TRUE, &spd_error);
  if (connection == NULL)
    {
      *message = g_strdup_printf (_("Read-aloud is not available: Speech Dispatcher is not installed or not running (%s). Install the packages speech-dispatcher and espeak-ng, or switch read-aloud off in Preferences."),
                                  spd_error ? g_strstrip (spd_error) : _("no answer"));
      free (spd_error);
      return NULL;
    }
  free (spd_error);
  /* Slower than the default: many who listen are elderly. */
  spd_set_voice_rate (connection, -25);
  spd_set_punctuation (connection, SPD_PUNCT_NONE);
  return connection;
}

/* Nha Trang speaks the central dialect, and espeak-ng has a voice for
 * it. Named directly: listing the voices means parsing thousands of
 * lines. Without that voice, the language's default one stays. */
static void
use_central_voice (SPDConnection *connection)
{
  spd_set_synthesis_voice (connection, "Vietnamese (Central)");
}

static gpointer
speaker_thread (gpointer data)
{
  Shared *shared = data;
  SPDConnection *connection = NULL;
  char *language = NULL;

  for (;;)
    {
      Request *r = g_async_queue_pop (shared->queue);
      Request *newer;

      /* Only the last text counts: a citizen who moved on two steps must
       * not hear the one in between. */
      while (r->kind == REQUEST_SAY && (newer = g_async_queue_try_pop (shared->queue)) != NULL)
        {
          request_free (r);
          r = newer;
        }

      if (r->kind == REQUEST_QUIT)
        {
          request_free (r);
          break;
        }

      if (connection == NULL && r->kind == REQUEST_SAY)
        {
          g_autofree char *message = NULL;

          g_clear_pointer (&language, g_free);
          if ((connection = connect_speechd (&message)) == NULL)
            {
              report (shared, message, NULL);
              request_free (r);
              continue;
            }
        }
      if (connection == NULL)
        {
          request_free (r);
          continue;
        }

      spd_cancel (connection);
      if (r->kind == REQUEST_SAY)
        {
          if (g_strcmp0 (language, r->language) != 0)
            {
              /* espeak-ng has a Vietnamese voice; the language picks it. */
              spd_set_language (connection, r->language);
              if (g_str_equal (r->language, "vi"))
                use_central_voice (connection);
              g_free (language);
              language = g_strdup (r->language);
            }
          if (spd_say (connection, SPD_TEXT, r->text) < 0)
            {
              /* The daemon went away: reconnect with the next text. */
              spd_close (connection);
              connection = NULL;
              report (shared, _("Read-aloud stopped: Speech Dispatcher no longer answers. It is tried again with the next step."), NULL);
            }
          else
            report (shared, NULL, r->text);
        }
      request_free (r);
    }

  if (connection != NULL)
    spd_close (connection);
  g_free (language);
  shared_unref (shared);
  return NULL;
}
#endif

/* ---- API ---------------------------------------------------------------------- */

gboolean
mc_speaker_is_built_in (void)
{
#ifdef HAVE_SPEECHD
  return TRUE;
#else
  return FALSE;
#endif
}

McSpeaker *
mc_speaker_new (void)
{
  return g_object_new (MC_TYPE_SPEAKER, NULL);
}

static void
push (McSpeaker   *self,
      RequestKind  kind,
      const char  *text,
      const char  *language)
{
  Request *r = g_new0 (Request, 1);

  r->kind = kind;
  r->text = g_strdup (text);
  r->language = g_strdup (language);
  g_async_queue_push (self->shared->queue, r);
}

void
mc_speaker_say (McSpeaker  *self,
                const char *text,
                const char *language)
{
  g_return_if_fail (MC_IS_SPEAKER (self));
  g_return_if_fail (text != NULL);

#ifdef HAVE_SPEECHD
  if (self->thread == NULL)
    self->thread = g_thread_new ("mc-speaker", speaker_thread, shared_ref (self->shared));
  push (self, REQUEST_SAY, text, language ? language : "vi");
#else
  (void) push;
  report (self->shared, _("Read-aloud is not available: this build of Một Cửa was made without Speech Dispatcher."), NULL);
#endif
}

void
mc_speaker_stop (McSpeaker *self)
{
  g_return_if_fail (MC_IS_SPEAKER (self));

  if (self->thread != NULL)
    push (self, REQUEST_STOP, NULL, NULL);
}

const char *
mc_speaker_get_error (McSpeaker *self)
{
  g_return_val_if_fail (MC_IS_SPEAKER (self), NULL);
  return self->error;
}

static void
mc_speaker_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  McSpeaker *self = MC_SPEAKER (object);

  switch (prop_id)
    {
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_speaker_finalize (GObject *object)
{
  McSpeaker *self = MC_SPEAKER (object);

  if (self->thread != NULL)
    {
      /* Never joined: a thread stuck in a call to a hung daemon must not
       * hold up the program. It quits at its next request. */
      push (self, REQUEST_QUIT, NULL, NULL);
      g_thread_unref (self->thread);
    }
  shared_unref (self->shared);
  g_free (self->error);

  G_OBJECT_CLASS (mc_speaker_parent_class)->finalize (object);
}

static void
mc_speaker_class_init (McSpeakerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_speaker_finalize;
  object_class->get_property = mc_speaker_get_property;

  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAID] = g_signal_new ("said", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mc_speaker_init (McSpeaker *self)
{
  self->shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&self->shared->ref);
  self->shared->queue = g_async_queue_new_full ((GDestroyNotify) request_free);
  self->shared->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->shared->speaker, self);
}
