"""Use cases behind the pages: each public function is one user action and one transaction."""
