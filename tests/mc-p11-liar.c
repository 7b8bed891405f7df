/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PKCS#11 module that forwards every call to the real SoftHSM2 module
 * and adds what SoftHSM2 lacks and USB tokens do: a user PIN that locks
 * after three wrong tries (the count kept in a file, as the token keeps it
 * across programs, and shown in the token flags as "count low" / "final
 * try" / "locked"). Faults chosen by MC_P11_FAULT:
 *   no-token  the module loads but reports no slot (no token plugged in)
 *   removed   the token goes away while signing (C_Sign: CKR_DEVICE_REMOVED)
 * MC_P11_REAL names the real module, MC_P11_STATE the try counter file. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/pkcs11.h>

#define MAX_TRIES 3

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST mine;

static int
fault (const char *name)
{
  const char *f = getenv ("MC_P11_FAULT");

  return f != NULL && strcmp (f, name) == 0;
}

static int
wrong_tries (void)
{
  const char *path = getenv ("MC_P11_STATE");
  FILE *f;
  int n = 0;

  if (path == NULL || (f = fopen (path, "r")) == NULL)
    return 0;
  if (fscanf (f, "%d", &n) != 1)
    n = 0;
  fclose (f);
  return n;
}

static void
set_wrong_tries (int n)
{
  const char *path = getenv ("MC_P11_STATE");
  FILE *f;

  if (path == NULL || (f = fopen (path, "w")) == NULL)
    return;
  fprintf (f, "%d\n", n);
  fclose (f);
}

static CK_RV
liar_GetSlotList (CK_BBOOL       token_present,
                  CK_SLOT_ID_PTR list,
                  CK_ULONG_PTR   count)
{
  if (fault ("no-token"))
    {
      *count = 0;
      return CKR_OK;
    }
  return real->C_GetSlotList (token_present, list, count);
}

static CK_RV
liar_GetTokenInfo (CK_SLOT_ID         slot,
                   CK_TOKEN_INFO_PTR  info)
{
  CK_RV rv = real->C_GetTokenInfo (slot, info);
  int n = wrong_tries ();

  if (rv != CKR_OK)
    return rv;
  info->flags &= ~(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
  if (n >= MAX_TRIES)
    info->flags |= CKF_USER_PIN_LOCKED;
  else if (n == MAX_TRIES - 1)
    info->flags |= CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY;
  else if (n > 0)
    info->flags |= CKF_USER_PIN_COUNT_LOW;
  return CKR_OK;
}

static CK_RV
liar_Login (CK_SESSION_HANDLE session,
            CK_USER_TYPE      user_type,
            CK_UTF8CHAR_PTR   pin,
            CK_ULONG          pin_len)
{
  int n = wrong_tries ();
  CK_RV rv;

  if (user_type == CKU_USER && n >= MAX_TRIES)
    return CKR_PIN_LOCKED;
  rv = real->C_Login (session, user_type, pin, pin_len);
  if (user_type != CKU_USER)
    return rv;
  if (rv == CKR_PIN_INCORRECT)
    {
      set_wrong_tries (n + 1);
      return n + 1 >= MAX_TRIES ? CKR_PIN_LOCKED : rv;
    }
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
    set_wrong_tries (0);
  return rv;
}

static CK_RV
liar_Sign (CK_SESSION_HANDLE session,
           CK_BYTE_PTR       data,
           CK_ULONG          data_len,
           CK_BYTE_PTR       signature,
           CK_ULONG_PTR      signature_len)
{
  if (fault ("removed"))
    return CKR_DEVICE_REMOVED;
  return real->C_Sign (session, data, data_len, signature, signature_len);
}

CK_RV C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list);

CK_RV
C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list)
{
  if (real == NULL)
    {
      const char *path = getenv ("MC_P11_REAL");
      CK_C_GetFunctionList get;
      void *module = dlopen (path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
      CK_RV rv;

      if (module == NULL)
        return CKR_GENERAL_ERROR;
      get = (CK_C_GetFunctionList) dlsym (module, "C_GetFunctionList");
      if (get == NULL)
        return CKR_GENERAL_ERROR;
      rv = get (&real);
      if (rv != CKR_OK)
        return rv;
      mine = *real;
      mine.C_GetSlotList = liar_GetSlotList;
      mine.C_GetTokenInfo = liar_GetTokenInfo;
      mine.C_Login = liar_Login;
      mine.C_Sign = liar_Sign;
    }
  *list = &mine;
  return CKR_OK;
}
