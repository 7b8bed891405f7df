/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <libpq-fe.h>
#include <glib/gstdio.h>

#include "mc-test-pg.h"
#include "mc-test-util.h"

/* A hang guard, stretched for a loaded machine like every test's. */
#define DEADLINE_US ((gint64) mc_test_guard_seconds (60) * G_USEC_PER_SEC)

struct _McTestPg
{
  char  *bindir;
  char  *dir;        /* the socket lives here */
  char  *data;
  char  *conninfo;
  uid_t  uid;        /* the server's user, when the test runs as root */
  gid_t  gid;
  gboolean as_other;
  char  *tls_options; /* TLS over TCP on 127.0.0.1, once enabled */
  int    port;        /* free on 127.0.0.1 when made: the socket's number too */
};

/* A TCP port nobody listens on now, so that a server on the machine (a
 * system PostgreSQL on 5432) or another test run does not collide with
 * this one when it listens on 127.0.0.1. */
static int
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static char *
find_bindir (void)
{
  g_autofree char *out = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  char *best = NULL;
  int best_version = 0;

  if (g_spawn_command_line_sync ("pg_config --bindir", &out, NULL, NULL, NULL) && out != NULL)
    {
      g_autofree char *initdb = NULL;

      g_strstrip (out);
      initdb = g_build_filename (out, "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&out);
    }
  /* Debian keeps the server outside PATH, one folder per major version:
   * the newest wins. */
  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *bindir = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
      int version = atoi (name);

      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) && version > best_version)
        {
          g_free (best);
          best = g_steal_pointer (&bindir);
          best_version = version;
        }
    }
  return best;
}

static void
drop_privileges (gpointer user_data)
{
  McTestPg *pg = user_data;

  if (pg->as_other)
    {
      if (setgroups (0, NULL) != 0 || setgid (pg->gid) != 0 || setuid (pg->uid) != 0)
        _exit (126);
    }
}

/* Runs one of the server's programs; FALSE (with its output logged) if
 * it fails. */
static gboolean
run (McTestPg           *pg,
     const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_build_filename (pg->bindir, args[0], NULL));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (pg->dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                     drop_privileges, pg, &out, &err, &status, &error))
    {
      g_test_message ("%s: %s", args[0], error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed:\n%s%s", args[0], out, err);
      return FALSE;
    }
  return TRUE;
}

McTestPg *
mc_test_pg_new (void)
{
  McTestPg *pg;
  g_autoptr(GError) error = NULL;
  g_autofree char *pwfile = NULL;

  g_autofree char *bindir = find_bindir ();
  if (bindir == NULL)
    {
      g_test_skip ("no PostgreSQL server (initdb) on this machine");
      return NULL;
    }

  /* pg_ctl leaves the postmaster behind when it exits: as a subreaper
   * the test inherits it, and can reap it after a kill -9, whatever the
   * container's first process does. */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  pg = g_new0 (McTestPg, 1);
  pg->bindir = g_steal_pointer (&bindir);
  /* Under /tmp, not the test's private tree: the server's user must be
   * able to reach it. Short, too: a socket path has ~100 bytes. */
  pg->dir = g_dir_make_tmp ("mc-pg-XXXXXX", &error);
  g_assert_no_error (error);
  pg->data = g_build_filename (pg->dir, "data", NULL);
  pg->port = free_port ();
  pg->conninfo = g_strdup_printf ("host=%s port=%d dbname=motcua user=postgres", pg->dir, pg->port);

  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("postgres");

      if (pw == NULL)
        pw = getpwnam ("nobody");
      g_assert_nonnull (pw);
      pg->uid = pw->pw_uid;
      pg->gid = pw->pw_gid;
      pg->as_other = TRUE;
      g_assert_cmpint (chown (pg->dir, pg->uid, pg->gid), ==, 0);
    }

  g_assert_true (run (pg, (const char * const[]) {
    "initdb", "-D", pg->data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
    "--locale=C.UTF-8", "--no-sync", NULL }));
  mc_test_pg_start (pg);
  mc_test_pg_exec (pg, NULL);
  return pg;
}

const char *
mc_test_pg_get_conninfo (McTestPg *pg)
{
  return pg->conninfo;
}

char *
mc_test_pg_conninfo_for (McTestPg   *pg,
                         const char *user)
{
  return g_strdup_printf ("host=%s port=%d dbname=motcua user=%s", pg->dir, pg->port, user);
}

const char *
mc_test_pg_get_dir (McTestPg *pg)
{
  return pg->dir;
}

int
mc_test_pg_get_port (McTestPg *pg)
{
  return pg->port;
}

static PGconn *
connect_to (McTestPg   *pg,
            const char *dbname)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s port=%d dbname=%s user=postgres connect_timeout=5",
                                               pg->dir, pg->port, dbname);

  return PQconnectdb (conninfo);
}

void
mc_test_pg_start (McTestPg *pg)
{
  g_autofree char *options = g_strdup_printf ("-c listen_addresses='%s' -c unix_socket_directories='%s'"
                                              " -c port=%d -c fsync=on -c max_connections=80%s",
                                              pg->tls_options ? "127.0.0.1" : "", pg->dir, pg->port,
                                              pg->tls_options ? pg->tls_options : "");
  g_autofree char *log = g_build_filename (pg->dir, "server.log", NULL);
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  /* -W: pg_ctl returns at once; the loop below is the wait, with its own
   * deadline. */
  if (!run (pg, (const char * const[]) { "pg_ctl", "-D", pg->data, "-l", log, "-o", options, "-W", "start", NULL }))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (log, &text, NULL, NULL);
      g_test_message ("server log:\n%s", text ? text : "");
      g_assert_not_reached ();
    }

  for (;;)
    {
      PGconn *conn = connect_to (pg, "postgres");
      gboolean up = PQstatus (conn) == CONNECTION_OK;

      PQfinish (conn);
      if (up)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = NULL;

          g_file_get_contents (log, &text, NULL, NULL);
          g_test_message ("server log:\n%s", text ? text : "");
          g_error ("the test's PostgreSQL did not accept connections within a minute");
        }
      g_usleep (20 * 1000);
    }
}

static GArray *
server_pids (McTestPg *pg)
{
  g_autofree char *pidfile = g_build_filename (pg->data, "postmaster.pid", NULL);
  g_autofree char *text = NULL;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = NULL;
  const char *name;
  pid_t master;

  if (!g_file_get_contents (pidfile, &text, NULL, NULL))
    return pids;
  master = (pid_t) atoi (text);
  if (master <= 0)
    return pids;
  g_array_append_val (pids, master);

  /* Its children: the backends, the checkpointer, the WAL writer. */
  proc = g_dir_open ("/proc", 0, NULL);
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *close_paren;
      int ppid = 0;
      char state;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      close_paren = strrchr (stat, ')');
      if (close_paren != NULL && sscanf (close_paren + 1, " %c %d", &state, &ppid) == 2 && ppid == master)
        {
          pid_t pid = (pid_t) atoi (name);

          g_array_append_val (pids, pid);
        }
    }
  return pids;
}

/* Gone, or a zombie nobody has reaped yet. */
static gboolean
is_gone (pid_t pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *close_paren;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  close_paren = strrchr (stat, ')');
  return close_paren != NULL && (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

/* The server's processes are our children (see mc_test_pg_new): reaped
 * here, or a zombie postmaster would keep its PID alive for the next
 * start's lock-file check. */
static void
wait_gone (GArray *pids)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  for (guint i = 0; i < pids->len; i++)
    {
      pid_t pid = g_array_index (pids, pid_t, i);

      while (!is_gone (pid))
        {
          if (g_get_monotonic_time () > deadline)
            g_error ("the test's PostgreSQL did not stop within a minute");
          g_usleep (10 * 1000);
        }
      waitpid (pid, NULL, WNOHANG);
    }
}

void
mc_test_pg_stop (McTestPg *pg)
{
  g_autoptr(GArray) pids = server_pids (pg);

  run (pg, (const char * const[]) { "pg_ctl", "-D", pg->data, "-m", "fast", "-W", "stop", NULL });
  wait_gone (pids);
}

void
mc_test_pg_kill (McTestPg *pg)
{
  g_autoptr(GArray) pids = server_pids (pg);

  g_assert_cmpuint (pids->len, >, 0);
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, pid_t, i), SIGKILL);
  wait_gone (pids);
}

void
mc_test_pg_require_passwords (McTestPg *pg)
{
  g_autofree char *hba = g_build_filename (pg->data, "pg_hba.conf", NULL);

  mc_test_write_file (hba,
                      "local all postgres trust\n"
                      "local all all scram-sha-256\n");
  if (pg->as_other)
    g_assert_cmpint (chown (hba, pg->uid, pg->gid), ==, 0);
  mc_test_pg_exec (pg, "SELECT pg_reload_conf ()");
  /* The reload is asynchronous: wait until the server applies it. */
  {
    gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

    while (mc_test_pg_query_int (pg, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'scram-sha-256'") == 0 ||
           mc_test_pg_query_int (pg, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust' AND user_name <> '{postgres}'") > 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (10 * 1000);
      }
  }
}

/* NULL @sql: creates the test database. */
void
mc_test_pg_exec (McTestPg   *pg,
                 const char *sql)
{
  PGconn *conn = connect_to (pg, sql ? "motcua" : "postgres");
  PGresult *res;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, sql ? sql : "CREATE DATABASE motcua");
  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql ? sql : "CREATE DATABASE", PQerrorMessage (conn));
  PQclear (res);
  PQfinish (conn);
}

gint64
mc_test_pg_query_int (McTestPg   *pg,
                      const char *sql)
{
  PGconn *conn = connect_to (pg, "motcua");
  PGresult *res;
  gint64 value;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) < 1)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  value = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  PQfinish (conn);
  return value;
}

void
mc_test_pg_free (McTestPg *pg)
{
  if (pg == NULL)
    return;
  mc_test_pg_stop (pg);
  mc_test_rm_rf (pg->dir);
  g_free (pg->bindir);
  g_free (pg->dir);
  g_free (pg->data);
  g_free (pg->conninfo);
  g_free (pg->tls_options);
  g_free (pg);
}

static void
openssl (const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("openssl: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

char *
mc_test_pg_enable_tls (McTestPg   *pg,
                       const char *host_name)
{
  g_autofree char *ca_key = g_build_filename (pg->dir, "ca.key", NULL);
  g_autofree char *csr = g_build_filename (pg->dir, "server.csr", NULL);
  g_autofree char *ext = g_build_filename (pg->dir, "server.ext", NULL);
  g_autofree char *key = g_build_filename (pg->dir, "server.key", NULL);
  g_autofree char *crt = g_build_filename (pg->dir, "server.crt", NULL);
  g_autofree char *san = g_strdup_printf ("subjectAltName=DNS:%s\n", host_name);
  g_autofree char *subject = g_strdup_printf ("/CN=%s", host_name);
  char *ca = g_build_filename (pg->dir, "ca.pem", NULL);

  g_assert_true (g_file_set_contents (ext, san, -1, NULL));
  openssl ((const char * const[]) { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca_key, "-out", ca,
                                    "-days", "2", "-subj", "/CN=Synthetic test ward CA", NULL });
  openssl ((const char * const[]) { "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                    "-nodes", "-keyout", key, "-out", csr, "-subj", subject, NULL });
  openssl ((const char * const[]) { "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                                    "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext, NULL });
  /* The server refuses a key others may read, or one it does not own. */
  g_assert_cmpint (g_chmod (key, 0600), ==, 0);
  if (pg->as_other)
    {
      g_assert_cmpint (chown (key, pg->uid, pg->gid), ==, 0);
      g_assert_cmpint (chown (crt, pg->uid, pg->gid), ==, 0);
    }

  g_free (pg->tls_options);
  pg->tls_options = g_strdup_printf (" -c ssl=on -c ssl_cert_file='%s' -c ssl_key_file='%s'", crt, key);
  mc_test_pg_stop (pg);
  mc_test_pg_start (pg);
  return ca;
}

