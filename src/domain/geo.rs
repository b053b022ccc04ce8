//! Places on a terminal map: which part of the world a map shows, which cell a point falls
//! in, where labels go without covering each other, and how many partners each country has.
//!
//! The map is equirectangular (degrees of longitude and latitude drawn alike), and a terminal
//! cell is about twice as tall as it is wide, so a row covers twice the degrees of a column.
//! The bounds given here are the ones the map widget draws with, so markers put in cells with
//! [`cell`] sit where the widget draws the coastlines and lines.

use super::model::Coordinates;

/// Degrees of latitude a map never goes beyond.
const LAT_LIMIT: f64 = 90.0;
/// What the whole world's map shows from south to north: Antarctica and the Arctic Ocean
/// left out (no region has a partner there), so that the inhabited world gets the rows.
pub const WORLD_SOUTH: f64 = -60.0;
pub const WORLD_NORTH: f64 = 84.0;
/// The narrowest and widest the map may show, in degrees of longitude.
const MIN_SPAN: f64 = 2.0;
const MAX_SPAN: f64 = 360.0;
/// The narrowest a fitted map starts at: a region with one partner next door is still shown
/// with some country around it.
const FIT_MIN_SPAN: f64 = 24.0;

/// What part of the world a map shows: its centre and its width in degrees of longitude.
/// The height follows from the area it is drawn in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub center: Coordinates,
    pub lon_span: f64,
}

/// The edges of a map in degrees: `x` west and east, `y` south and north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x: [f64; 2],
    pub y: [f64; 2],
}

impl View {
    /// The whole world.
    pub fn world() -> View {
        View {
            center: Coordinates {
                lat: (WORLD_SOUTH + WORLD_NORTH) / 2.0,
                lon: 0.0,
            },
            lon_span: MAX_SPAN,
        }
    }

    /// The smallest view that shows every point with a margin, in an area `cols` x `rows`.
    pub fn fit(points: &[Coordinates], cols: u16, rows: u16) -> View {
        let Some(first) = points.first() else {
            return View::world();
        };
        let (mut west, mut east, mut south, mut north) =
            (first.lon, first.lon, first.lat, first.lat);
        for p in points {
            west = west.min(p.lon);
            east = east.max(p.lon);
            south = south.min(p.lat);
            north = north.max(p.lat);
        }
        let lon_extent = (east - west) * 1.25 + 8.0;
        let lat_extent = (north - south) * 1.25 + 8.0;
        let cols = f64::from(cols.max(1));
        let rows = f64::from(rows.max(1));
        // A row covers twice the degrees of a column.
        let span = lon_extent
            .max(lat_extent * cols / (2.0 * rows))
            .clamp(FIT_MIN_SPAN, MAX_SPAN);
        View {
            center: Coordinates {
                lat: (north + south) / 2.0,
                lon: (east + west) / 2.0,
            },
            lon_span: span,
        }
        .clamped()
    }

    /// Twice as close (`+`).
    pub fn zoom_in(self) -> View {
        View {
            lon_span: (self.lon_span / 2.0).max(MIN_SPAN),
            ..self
        }
        .clamped()
    }

    /// Twice as far (`-`).
    pub fn zoom_out(self) -> View {
        View {
            lon_span: (self.lon_span * 2.0).min(MAX_SPAN),
            ..self
        }
        .clamped()
    }

    /// Moves by a quarter of the width (`east`) and of the height (`north`) per step; the
    /// height is taken as the width's, which a map drawn about twice as wide as tall
    /// (in degrees) roughly has.
    pub fn pan(self, east: i32, north: i32) -> View {
        let step = self.lon_span / 4.0;
        View {
            center: Coordinates {
                lat: self.center.lat + f64::from(north) * step / 2.0,
                lon: self.center.lon + f64::from(east) * step,
            },
            ..self
        }
        .clamped()
    }

    /// The view kept inside the world: its centre moved so that no edge passes the poles or
    /// the antimeridian (a view as wide as the world is centred on Greenwich).
    fn clamped(self) -> View {
        let span = self.lon_span.clamp(MIN_SPAN, MAX_SPAN);
        let half = span / 2.0;
        let lon = if half >= 180.0 {
            0.0
        } else {
            self.center.lon.clamp(-180.0 + half, 180.0 - half)
        };
        View {
            center: Coordinates {
                lat: self.center.lat.clamp(-LAT_LIMIT, LAT_LIMIT),
                lon,
            },
            lon_span: span,
        }
    }

    /// The edges of the map drawn in `cols` x `rows` cells.
    pub fn bounds(&self, cols: u16, rows: u16) -> Bounds {
        let cols = f64::from(cols.max(1));
        let rows = f64::from(rows.max(1));
        let half_w = self.lon_span / 2.0;
        // The whole world's width shows the inhabited world, whatever the area's shape.
        if self.lon_span >= MAX_SPAN {
            return Bounds {
                x: [self.center.lon - half_w, self.center.lon + half_w],
                y: [WORLD_SOUTH, WORLD_NORTH],
            };
        }
        let lat_span = (self.lon_span * 2.0 * rows / cols).min(2.0 * LAT_LIMIT);
        let half_h = lat_span / 2.0;
        let lat = self
            .center
            .lat
            .clamp(-LAT_LIMIT + half_h, LAT_LIMIT - half_h);
        Bounds {
            x: [self.center.lon - half_w, self.center.lon + half_w],
            y: [lat - half_h, lat + half_h],
        }
    }
}

/// The cell (column, row, from the top left) a point falls in on a map of `cols` x `rows`
/// cells with these bounds, or `None` when it is off the map.
pub fn cell(bounds: &Bounds, at: Coordinates, cols: u16, rows: u16) -> Option<(u16, u16)> {
    let [west, east] = bounds.x;
    let [south, north] = bounds.y;
    if !(west..=east).contains(&at.lon) || !(south..=north).contains(&at.lat) {
        return None;
    }
    let fx = (at.lon - west) / (east - west);
    let fy = (north - at.lat) / (north - south);
    if !fx.is_finite() || !fy.is_finite() || cols == 0 || rows == 0 {
        return None;
    }
    let x = ((fx * f64::from(cols)).floor() as u16).min(cols - 1);
    let y = ((fy * f64::from(rows)).floor() as u16).min(rows - 1);
    Some((x, y))
}

/// Where labels go: each wants to start at a cell and is `width` cells wide; it is put there
/// or, when that would cover a label placed before it, a row above or below, and moved left
/// to end inside the map. A label with no free place is left out (`None`). Earlier labels
/// win, so put the important ones first. No label covers a `blocked` cell (the markers).
pub fn place_labels(
    wants: &[(u16, u16, u16)],
    blocked: &[(u16, u16)],
    cols: u16,
    rows: u16,
) -> Vec<Option<(u16, u16)>> {
    let mut taken: Vec<(u16, u16, u16)> = blocked.iter().map(|&(x, y)| (x, y, 1)).collect();
    wants
        .iter()
        .map(|&(x, y, width)| {
            if width == 0 || width > cols {
                return None;
            }
            let x = x.min(cols - width);
            let tries = [Some(y), y.checked_sub(1), y.checked_add(1)];
            let free = tries
                .into_iter()
                .flatten()
                .filter(|&r| r < rows)
                .find(|&r| {
                    taken
                        .iter()
                        .all(|&(tx, ty, tw)| ty != r || x + width <= tx || tx + tw <= x)
                })?;
            taken.push((x, free, width));
            Some((x, free))
        })
        .collect()
}

/// Text that is not a place on Earth (the caller says what to write instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAPlace;

/// Reads a place as people write it: `lat, lon` in decimal degrees (`-6.99, 110.42`; a
/// space or a semicolon between them works too). Empty text is no place (`Ok(None)`); text
/// that is not two numbers, or a point not on Earth (lat -90 to 90, lon -180 to 180), is an
/// error.
pub fn parse_coordinates(text: &str) -> Result<Option<Coordinates>, NotAPlace> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [lat, lon] = parts.as_slice() else {
        return Err(NotAPlace);
    };
    let lat: f64 = lat.parse().map_err(|_| NotAPlace)?;
    let lon: f64 = lon.parse().map_err(|_| NotAPlace)?;
    let on_earth = lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon);
    if on_earth {
        Ok(Some(Coordinates { lat, lon }))
    } else {
        Err(NotAPlace)
    }
}

/// A place as [`parse_coordinates`] reads it back.
pub fn format_coordinates(at: Coordinates) -> String {
    format!("{}, {}", at.lat, at.lon)
}

/// Whether a straight line between two places reads well on a flat map: not when the short
/// way between them crosses the antimeridian (the line would run the other way round the
/// world).
pub fn reads_well(from: Coordinates, to: Coordinates) -> bool {
    (from.lon - to.lon).abs() <= 180.0
}

/// How many partners a country has, and where to write it: the middle of its partners.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryCount {
    pub country: String,
    pub count: usize,
    /// The middle of the partners that have coordinates; `None` when none has.
    pub at: Option<Coordinates>,
}

/// Partners counted per country, most first (then by name). Longitudes are averaged on the
/// circle, so a country on both sides of the antimeridian is not put on the other side of
/// the world.
pub fn by_country<'a>(
    partners: impl IntoIterator<Item = (&'a str, Option<Coordinates>)>,
) -> Vec<CountryCount> {
    let mut sums: Vec<(String, usize, f64, f64, f64, usize)> = Vec::new();
    for (country, at) in partners {
        let i = match sums.iter().position(|s| s.0 == country) {
            Some(i) => i,
            None => {
                sums.push((country.to_string(), 0, 0.0, 0.0, 0.0, 0));
                sums.len() - 1
            }
        };
        let s = &mut sums[i];
        s.1 += 1;
        if let Some(c) = at {
            let lon = c.lon.to_radians();
            s.2 += c.lat;
            s.3 += lon.sin();
            s.4 += lon.cos();
            s.5 += 1;
        }
    }
    let mut counts: Vec<CountryCount> = sums
        .into_iter()
        .map(|(country, count, lat, sin, cos, located)| CountryCount {
            country,
            count,
            at: (located > 0).then(|| Coordinates {
                lat: lat / located as f64,
                lon: sin.atan2(cos).to_degrees(),
            }),
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.country.cmp(&b.country)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates { lat, lon }
    }

    const SEMARANG: Coordinates = Coordinates {
        lat: -6.99,
        lon: 110.42,
    };
    const BRISBANE: Coordinates = Coordinates {
        lat: -27.47,
        lon: 153.03,
    };
    const BERLIN: Coordinates = Coordinates {
        lat: 52.52,
        lon: 13.40,
    };
    const LOS_ANGELES: Coordinates = Coordinates {
        lat: 34.05,
        lon: -118.24,
    };
    const SAO_PAULO: Coordinates = Coordinates {
        lat: -23.55,
        lon: -46.63,
    };

    #[test]
    fn known_cities_land_in_their_cells_on_a_world_map_at_two_sizes() {
        // 120 columns x 36 rows: the whole world, 3 degrees a column, 144 / 36 = 4 a row.
        let world = View::world();
        let b = world.bounds(120, 36);
        assert_eq!(b.x, [-180.0, 180.0]);
        assert_eq!(b.y, [WORLD_SOUTH, WORLD_NORTH]);
        // Berlin: (13.4 + 180) / 3 = 64.5; (84 - 52.52) / 4 = 7.9.
        assert_eq!(cell(&b, BERLIN, 120, 36), Some((64, 7)));
        // Los Angeles: 61.76 / 3 = 20.6; 49.95 / 4 = 12.5.
        assert_eq!(cell(&b, LOS_ANGELES, 120, 36), Some((20, 12)));
        // Semarang: 290.42 / 3 = 96.8; 90.99 / 4 = 22.7.
        assert_eq!(cell(&b, SEMARANG, 120, 36), Some((96, 22)));
        // São Paulo: 133.37 / 3 = 44.5; 107.55 / 4 = 26.9.
        assert_eq!(cell(&b, SAO_PAULO, 120, 36), Some((44, 26)));

        // 54 columns x 18 rows: 6.67 degrees a column, 8 a row.
        let b = world.bounds(54, 18);
        assert_eq!(cell(&b, BERLIN, 54, 18), Some((29, 3)));
        assert_eq!(cell(&b, LOS_ANGELES, 54, 18), Some((9, 6)));
        assert_eq!(cell(&b, SEMARANG, 54, 18), Some((43, 11)));
        assert_eq!(cell(&b, BRISBANE, 54, 18), Some((49, 13)));
        // Antarctica is off the world map.
        assert_eq!(cell(&b, at(-75.0, 0.0), 54, 18), None);
    }

    #[test]
    fn a_fitted_map_keeps_every_point_and_its_proportions() {
        let points = [SEMARANG, BRISBANE, at(26.07, 119.30), at(13.36, 103.86)];
        for (cols, rows) in [(54u16, 18u16), (90, 34)] {
            let v = View::fit(&points, cols, rows);
            let b = v.bounds(cols, rows);
            for p in points {
                assert!(cell(&b, p, cols, rows).is_some(), "{p:?} at {cols}x{rows}");
            }
            let per_col = (b.x[1] - b.x[0]) / f64::from(cols);
            let per_row = (b.y[1] - b.y[0]) / f64::from(rows);
            assert!((per_row - 2.0 * per_col).abs() < 1e-9);
        }
        // Closer than the whole world: Asia and Australia only.
        assert!(View::fit(&points, 54, 18).lon_span < 120.0);
    }

    #[test]
    fn zoom_and_pan_stay_inside_the_world() {
        let v = View::world().zoom_in().zoom_in();
        assert_eq!(v.lon_span, 90.0);
        let far_east = (0..20).fold(v, |v, _| v.pan(1, 0));
        let b = far_east.bounds(60, 20);
        assert_eq!(b.x[1], 180.0);
        let north = (0..40).fold(v, |v, _| v.pan(0, 1));
        assert!(north.bounds(60, 20).y[1] <= 90.0);
        assert_eq!(View::world().zoom_out(), View::world());
        let close = (0..20).fold(v, |v, _| v.zoom_in());
        assert_eq!(close.lon_span, MIN_SPAN);
    }

    #[test]
    fn labels_do_not_cover_each_other() {
        let wants = [(10, 5, 8), (12, 5, 8), (14, 5, 8), (16, 5, 8)];
        let placed = place_labels(&wants, &[], 40, 10);
        assert_eq!(placed[0], Some((10, 5)));
        assert_eq!(placed[1], Some((12, 4)));
        assert_eq!(placed[2], Some((14, 6)));
        assert_eq!(placed[3], None);
        // Near the right edge a label moves left to fit.
        assert_eq!(
            place_labels(&[(38, 0, 6)], &[], 40, 10),
            vec![Some((34, 0))]
        );
        // A marker in the way sends the label to the next row.
        assert_eq!(
            place_labels(&[(10, 5, 8)], &[(13, 5)], 40, 10),
            vec![Some((10, 4))]
        );
    }

    #[test]
    fn countries_are_counted_and_placed_in_the_middle_of_their_partners() {
        let counts = by_country([
            ("Japan", Some(at(35.0, 139.0))),
            ("China", Some(at(26.0, 119.0))),
            ("Japan", Some(at(33.0, 131.0))),
            ("Fiji", Some(at(-17.0, 179.0))),
            ("Fiji", Some(at(-17.0, -179.0))),
            ("Suriname", None),
        ]);
        let names: Vec<(&str, usize)> = counts
            .iter()
            .map(|c| (c.country.as_str(), c.count))
            .collect();
        assert_eq!(
            names,
            vec![("Fiji", 2), ("Japan", 2), ("China", 1), ("Suriname", 1)]
        );
        let japan = counts[1].at.unwrap();
        assert!((japan.lat - 34.0).abs() < 1e-9 && (japan.lon - 135.0).abs() < 1e-6);
        // Across the antimeridian: the middle is at 180, not at 0.
        assert!(counts[0].at.unwrap().lon.abs() > 179.0);
        assert_eq!(counts[3].at, None);
    }

    #[test]
    fn places_are_read_as_people_write_them() {
        assert_eq!(parse_coordinates(""), Ok(None));
        assert_eq!(
            parse_coordinates(" -6.99, 110.42 "),
            Ok(Some(at(-6.99, 110.42)))
        );
        assert_eq!(
            parse_coordinates("-6.99 110.42"),
            Ok(Some(at(-6.99, 110.42)))
        );
        assert_eq!(
            parse_coordinates("35.68;139.69"),
            Ok(Some(at(35.68, 139.69)))
        );
        assert_eq!(parse_coordinates("91, 0"), Err(NotAPlace));
        assert_eq!(parse_coordinates("0, 180.5"), Err(NotAPlace));
        assert_eq!(parse_coordinates("Semarang"), Err(NotAPlace));
        assert_eq!(parse_coordinates("1, 2, 3"), Err(NotAPlace));
        assert_eq!(parse_coordinates("NaN, 3"), Err(NotAPlace));
        let p = at(-27.4698, 153.0251);
        assert_eq!(parse_coordinates(&format_coordinates(p)), Ok(Some(p)));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(16), ..ProptestConfig::default() })]

        /// Every inhabited point is on the world map, in a cell inside it, and points further
        /// east or north never land further west or south.
        #[test]
        fn every_point_lands_inside_the_world_map(
            lat in WORLD_SOUTH..=WORLD_NORTH, lon in -180.0f64..=180.0,
            dlat in 0.0f64..30.0, dlon in 0.0f64..30.0,
            cols in 20u16..300, rows in 8u16..120,
        ) {
            let b = View::world().bounds(cols, rows);
            let (x, y) = cell(&b, at(lat, lon), cols, rows).unwrap();
            prop_assert!(x < cols && y < rows);
            let (x2, y2) = cell(&b, at((lat + dlat).min(WORLD_NORTH), (lon + dlon).min(180.0)), cols, rows).unwrap();
            prop_assert!(x2 >= x && y2 <= y);
        }

        /// A fitted view holds every point it was fitted to.
        #[test]
        fn a_fit_holds_its_points(
            points in proptest::collection::vec((WORLD_SOUTH..WORLD_NORTH, -179.0f64..179.0), 1..12),
            cols in 30u16..200, rows in 10u16..60,
        ) {
            let points: Vec<Coordinates> = points.into_iter().map(|(lat, lon)| at(lat, lon)).collect();
            let b = View::fit(&points, cols, rows).bounds(cols, rows);
            for p in &points {
                prop_assert!(cell(&b, *p, cols, rows).is_some(), "{:?} outside {:?}", p, b);
            }
        }
    }
}
