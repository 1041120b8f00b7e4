/* The action table behind the key bindings and the generated help screen. */
#include <stddef.h>

#include "dispute/keys.h"

static const struct action_info actions[] = {
#define ACTION_INFO(name, cfg, ctx, label, k1, k2, k3, help) \
	{ ACT_##name, cfg, ctx, label, { k1, k2, k3 }, help },
	APP_ACTIONS(ACTION_INFO)
#undef ACTION_INFO
};

static const char *const context_names[KC_COUNT] = {
	"Panes",
	"Record editor",
	"Forms and prompts",
	"Report and invite preview: scrolling",
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

const char *keys_label(enum action act)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == act)
			return actions[i].label;
	return "";
}

const char *keys_context_name(enum key_context ctx)
{
	return (unsigned)ctx < KC_COUNT ? context_names[ctx] : "";
}
