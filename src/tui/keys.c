/* The action table behind the key bindings and the generated help screen. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dispute/keys.h"
#include "dispute/text.h"

static const struct action_info actions[] = {
#define ACTION_INFO(name, cfg, ctx, label, k1, k2, k3, prio, hint, help) \
	{ ACT_##name, cfg, ctx, label, { k1, k2, k3 }, prio, hint, help },
	APP_ACTIONS(ACTION_INFO)
#undef ACTION_INFO
};

static const char *const context_names[KC_COUNT] = {
	"Panes",
	"Dispute list and deadline board",
	"Records pane",
	"Record editor",
	"Editing text (the editor, forms and prompts)",
	"Forms and prompts",
	"Confirmations: only Ctrl-S writes",
	"Help, report and invite preview: scrolling",
	"Invite preview",
	"Report view",
};

const struct action_info *keys_table(int *n)
{
	*n = (int)(sizeof(actions) / sizeof(actions[0]));
	return actions;
}

enum action keys_lookup(enum key_context ctx, int key)
{
	if (key == 0)
		return ACT_NONE;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (actions[i].context != ctx)
			continue;
		for (int k = 0; k < 3; k++)
			if (actions[i].keys[k] == key)
				return actions[i].action;
	}
	return ACT_NONE;
}

const char *keys_context_name(enum key_context ctx)
{
	return (unsigned)ctx < KC_COUNT ? context_names[ctx] : "";
}

void keys_hint(unsigned ctxs, int cols, char *out, size_t outlen)
{
	int n = (int)(sizeof(actions) / sizeof(actions[0])), used = 0, last = 0;
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (actions[i].prio > last)
			last = actions[i].prio;
	/* Priorities are small numbers: take them in order, 1 first. */
	for (int prio = 1; prio <= last; prio++) {
		for (int i = 0; i < n; i++) {
			const struct action_info *ai = &actions[i];
			int w;

			if (ai->prio != prio || !(ctxs & KC_BIT(ai->context)) || !ai->hint[0])
				continue;
			w = text_width(ai->hint) + (used ? 3 : 0);
			if (used + w > cols || len + strlen(ai->hint) + 4 >= outlen)
				return;
			len += (size_t)snprintf(out + len, outlen - len, "%s%s", used ? " · " : "", ai->hint);
			used += w;
		}
	}
}
