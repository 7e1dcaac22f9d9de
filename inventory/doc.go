// Package inventory owns feedplan's domain model: feeds (sources), panels,
// circuits, ATS units, rack PDUs with their banks and outlets, racks,
// devices and the outlets their power supplies plug into, services, mail
// queues and scheduled jobs. It loads a site from YAML strictly — every
// problem reported at once with its file, line and object — and generates
// synthetic sites for benchmarks and the simulator.
//
// inventory is the leaf of feedplan: it does no network I/O, reads no
// clock, and imports none of feedplan's other packages.
package inventory
