/// CAP 1.2 alerts in and out.
enum CAP {}
