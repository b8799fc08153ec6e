/// Server-rendered pages.
enum Web {}
