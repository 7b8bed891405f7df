/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A private PostgreSQL for one test: initdb into a temporary folder,
 * pg_ctl start with its Unix socket in that folder and no TCP at all,
 * stopped and removed by mc_test_pg_free(). When the test runs as root
 * (containers, CI), the server runs as the `postgres` or `nobody` user,
 * since PostgreSQL refuses to run as root. Every wait polls with a
 * deadline. */

typedef struct _McTestPg McTestPg;

/* NULL, with a skip message, when no PostgreSQL server binaries exist. */
McTestPg   *mc_test_pg_new          (void);
void        mc_test_pg_free         (McTestPg   *pg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McTestPg, mc_test_pg_free)

/* "host=DIR port=N dbname=motcua user=postgres": the superuser. */
const char *mc_test_pg_get_conninfo (McTestPg   *pg);
/* The same for another role (password, if any, from PGPASSFILE). */
char       *mc_test_pg_conninfo_for (McTestPg   *pg,
                                     const char *user);
const char *mc_test_pg_get_dir      (McTestPg   *pg);
/* The server's port: its socket's number, and on 127.0.0.1 with TLS. */
int         mc_test_pg_get_port     (McTestPg   *pg);

/* Starts the server and waits until it accepts connections. */
void        mc_test_pg_start        (McTestPg   *pg);
/* pg_ctl stop -m fast, waiting until it is gone. */
void        mc_test_pg_stop         (McTestPg   *pg);
/* SIGKILL to the postmaster and every backend, as a power cut would;
 * returns once none of them runs. */
void        mc_test_pg_kill         (McTestPg   *pg);
/* Replaces pg_hba.conf for socket connections (trust for postgres,
 * scram-sha-256 for everyone else) and reloads. */
void        mc_test_pg_require_passwords (McTestPg *pg);

/* Makes a certificate authority and a server certificate for
 * @host_name, and restarts the server with TLS, listening on 127.0.0.1
 * as well (on mc_test_pg_get_port()). Returns the CA file, for sslrootcert. */
char       *mc_test_pg_enable_tls   (McTestPg   *pg,
                                     const char *host_name);

/* Runs @sql as the superuser; asserts it succeeds. */
void        mc_test_pg_exec         (McTestPg   *pg,
                                     const char *sql);
/* The first column of the first row as an integer, as the superuser. */
gint64      mc_test_pg_query_int    (McTestPg   *pg,
                                     const char *sql);

G_END_DECLS
