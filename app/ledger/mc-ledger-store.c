/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include "mc-ledger-store.h"

G_DEFINE_INTERFACE (McLedgerStore, mc_ledger_store, G_TYPE_OBJECT)

static void
mc_ledger_store_default_init (McLedgerStoreInterface *iface)
{
}

void
mc_ledger_filing_free (McLedgerFiling *filing)
{
  if (filing == NULL)
    return;
  g_free (filing->uuid);
  g_free (filing->head_uuid);
  g_free (filing->ward_code);
  g_free (filing->counter);
  g_free (filing->clerk);
  g_free (filing->procedure);
  g_free (filing->receipt);
  g_free (filing);
}

void
mc_ledger_check_free (McLedgerCheck *check)
{
  if (check == NULL)
    return;
  g_clear_pointer (&check->problems, g_ptr_array_unref);
  g_free (check);
}

gboolean
mc_ledger_store_append (McLedgerStore         *self,
                        McLedgerEvent * const *events,
                        guint                  n_events,
                        McLedgerAppendResult  *result,
                        GError               **error)
{
  McLedgerAppendResult ignored;

  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), FALSE);
  g_return_val_if_fail (events != NULL || n_events == 0, FALSE);

  return MC_LEDGER_STORE_GET_IFACE (self)->append (self, events, n_events,
                                                   result ? result : &ignored, error);
}

McLedgerEvent *
mc_ledger_store_lookup_event (McLedgerStore  *self,
                              const char     *uuid,
                              GError        **error)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  return MC_LEDGER_STORE_GET_IFACE (self)->lookup_event (self, uuid, error);
}

McLedgerFiling *
mc_ledger_store_lookup_filing (McLedgerStore  *self,
                               const char     *filing_uuid,
                               GError        **error)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), NULL);
  g_return_val_if_fail (filing_uuid != NULL, NULL);

  return MC_LEDGER_STORE_GET_IFACE (self)->lookup_filing (self, filing_uuid, error);
}

gboolean
mc_ledger_store_count (McLedgerStore             *self,
                       const McLedgerCountQuery  *queries,
                       guint                      n_queries,
                       McLedgerCountFunc          func,
                       gpointer                   user_data,
                       GError                   **error)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), FALSE);
  g_return_val_if_fail (queries != NULL && n_queries > 0 && func != NULL, FALSE);

  return MC_LEDGER_STORE_GET_IFACE (self)->count (self, queries, n_queries, func, user_data, error);
}

GPtrArray *
mc_ledger_store_list_filings (McLedgerStore              *self,
                              const McLedgerFilingQuery  *query,
                              GError                    **error)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return MC_LEDGER_STORE_GET_IFACE (self)->list_filings (self, query, error);
}

gboolean
mc_ledger_store_foreach_event (McLedgerStore      *self,
                               McLedgerEventFunc   func,
                               gpointer            user_data,
                               GError            **error)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return MC_LEDGER_STORE_GET_IFACE (self)->foreach_event (self, func, user_data, error);
}

McLedgerCheck *
mc_ledger_store_check (McLedgerStore  *self,
                       GError        **error)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), NULL);

  return MC_LEDGER_STORE_GET_IFACE (self)->check (self, error);
}

guint64
mc_ledger_store_change_stamp (McLedgerStore *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_STORE (self), 0);

  return MC_LEDGER_STORE_GET_IFACE (self)->change_stamp (self);
}
