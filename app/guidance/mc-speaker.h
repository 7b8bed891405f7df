/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Reads a text aloud through Speech Dispatcher, in Vietnamese with
 * espeak-ng's voice (or English when the program speaks English).
 *
 * Every call to libspeechd happens on a thread of the speaker's own:
 * connecting may start the speech-dispatcher daemon, and a daemon that
 * does not answer would block its caller. The program never waits for
 * that thread, so read-aloud can fail but never freeze the window. A
 * failure sets the “error” property (a message for the clerk) on the
 * thread that created the speaker; the next text tries again.
 *
 * Signals: said (const char *text) once Speech Dispatcher has accepted a
 * text. */

#define MC_TYPE_SPEAKER (mc_speaker_get_type ())
G_DECLARE_FINAL_TYPE (McSpeaker, mc_speaker, MC, SPEAKER, GObject)

McSpeaker  *mc_speaker_new        (void);
/* Stops what is being read and reads @text; @language: "vi" or "en". */
void        mc_speaker_say        (McSpeaker  *self,
                                   const char *text,
                                   const char *language);
void        mc_speaker_stop       (McSpeaker  *self);
/* NULL while reading works (or before the first try). */
const char *mc_speaker_get_error  (McSpeaker  *self);
gboolean    mc_speaker_is_built_in (void);

G_END_DECLS
