/* The table that the program finds in calendar.so when it loads it (include/dispute/modules.h). */
#include "dispute/ics.h"
#include "dispute/imip.h"
#include "dispute/modules.h"

__attribute__((visibility("default"))) const struct calendar_module dispute_calendar_module = {
	.abi = DISPUTE_ABI,
	.ics_alarms_check = ics_alarms_check,
	.ics_zone_check = ics_zone_check,
	.ics_utc_to_local = ics_utc_to_local,
	.ics_begin = ics_begin,
	.ics_event = ics_event,
	.ics_end = ics_end,
	.imip_build = imip_build,
	.imip_reply_read = imip_reply_read,
};
