"""What tests share besides fixtures: settings, staff sign-in, page and database readers."""
