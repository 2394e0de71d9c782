/* tandem-chat-writer.c: a helper for test-manager's kill -9 test.
 *
 *   tandem-chat-writer PROFILE PROXY TEXT...
 *
 * Signs in as alice on PROFILE, sends each TEXT to bob, waits until the
 * server has taken them, prints "sent" and then waits forever, to be
 * killed with SIGKILL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "tandem-manager.h"

static gboolean
all_sent (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (tandem_chat_message_get_state (messages->pdata[i]) == TANDEM_MESSAGE_SENDING)
      return FALSE;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemManager) manager = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TandemConversation *conversation;
  TandemAccount *account;

  if (argc < 4)
    {
      g_printerr ("usage: %s PROFILE PROXY TEXT...\n", argv[0]);
      return 2;
    }

  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  manager = tandem_manager_new (argv[1]);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  if (!tandem_manager_start (manager, &error) ||
      (account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:alice@tandem.test", "alice-pw", argv[2],
                                             TANDEM_TRANSPORT_UDP, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  while (tandem_account_get_state (account) != TANDEM_REGISTRATION_OK)
    g_main_context_iteration (NULL, TRUE);

  conversation = tandem_conversations_get (tandem_manager_get_conversations (manager), "sip:bob@tandem.test", &error);
  for (int i = 3; i < argc && conversation != NULL; i++)
    {
      TandemChatMessage *message = tandem_conversation_send_text (conversation, argv[i], &error);
      if (message == NULL)
        break;
      g_ptr_array_add (messages, g_object_ref (message));
    }
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  while (!all_sent (messages))
    g_main_context_iteration (NULL, TRUE);

  printf ("sent\n");
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
}
