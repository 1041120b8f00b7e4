#!/bin/sh
# Opens a dispute with the form in an 80x24 terminal, starting from an empty database.
. "$(dirname "$0")/lib.sh"

start 80 24
line 1 " dispute  Fri 2026-11-27 · 0 open · 0 overdue · 0 due today      ? help  q quit"
line 6 "│  No open disputes. Press n to open one.                                      │"
keys n
wait_for "New dispute"
keys Right Right Tab Tab
typed "NW-4471 (T.J.)"
keys Tab
typed "Ysgol y Bryn"
keys Tab
typed "Conwy Children's Services"
keys Tab Right Tab
typed "Referral closed at the front door as below threshold"
wait_for "as below threshold"
line 6 "││ Protocol      north-wales: Protocol for the Resolution of Professional …   ││"
line 8 "││ Subject       NW-4471 (T.J.)                                               ││"
line 11 "││ Category      Roles and responsibilities                                   ││"
line 12 "││ Summary       Referral closed at the front door as below threshold         ││"
line 13 "││ Opened        2026-11-27                                                   ││"
keys C-s
wait_for "Opened D-2026-0001"
line 1 " dispute  Fri 2026-11-27 · 1 open · 0 overdue · 0 due today      ? help  q quit"
line 5 "│> D-2026-0001 Conwy Children… roles         1/4   2026-12-04 5 wd             │"
line 24 "Opened D-2026-0001 under north-wales: stage 1 due Fri 2026-12-04"
# Keys straight after the form closes are dropped as the end of the typing.
sleep 1.1
keys Tab
wait_for "┌─ Timeline"
line 4 "│ D-2026-0001 · NW-4471 (T.J.)                                                 │"
line 7 "│ ● 1 Practitioner to practitioner                                             │"
line 8 "│     now: started Fri 2026-11-27                                              │"
line 9 "│     due Fri 2026-12-04                                                       │"
line 10 "│     5 working days left                                                      │"
finish
