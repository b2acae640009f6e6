"""The seeded synthetic Liaocheng: persons, employers, vacancies, training and two years of history.

There is no public data on disabled job seekers, so models, figures and demos stand on this city.
Outcomes come from a hidden ground truth (``matching.synth.truth``) that no table or feature holds.
"""

from matching.synth.city import SCALES, City, Scale, build_city
from matching.synth.writer import city_row_counts, clear_city, write_frames

__all__ = ["SCALES", "City", "Scale", "build_city", "city_row_counts", "clear_city", "write_frames"]
