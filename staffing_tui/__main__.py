from staffing_tui.cli import main

raise SystemExit(main())
